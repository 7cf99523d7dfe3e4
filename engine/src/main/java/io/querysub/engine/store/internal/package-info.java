/**
 * The store's data structures: the path tree with per-path history, commit records, the commit
 * locks, and the validity evaluator. Not for use outside {@code io.querysub.engine}.
 */
package io.querysub.engine.store.internal;
