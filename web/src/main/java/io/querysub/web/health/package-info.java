/** MicroProfile Health checks: the node is ready once its engine has loaded. */
package io.querysub.web.health;
