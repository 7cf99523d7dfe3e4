/** Optimistic transactions: reads captured as locks, writes buffered, one version per commit. */
package io.querysub.engine.tx;
