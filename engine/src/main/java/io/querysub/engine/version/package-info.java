/** Versions (hybrid logical clock timestamps) and the clock that issues them. */
package io.querysub.engine.version;
