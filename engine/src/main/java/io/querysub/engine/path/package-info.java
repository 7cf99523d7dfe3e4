/** Paths: parsing, the canonical text form, and the limits every path obeys. */
package io.querysub.engine.path;
