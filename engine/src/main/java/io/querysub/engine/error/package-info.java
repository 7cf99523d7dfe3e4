/** Stable error codes and the exception that carries them across every layer. */
package io.querysub.engine.error;
