/** Server functions the demo app and the examples use. */
package io.querysub.web.demo;
