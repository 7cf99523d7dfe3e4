/**
 * The multi-version path store of one node: per-path history in version order, the child-key index,
 * validity of every commit (immediate at commit, cascading when a late write or a flip changes what
 * a lock saw), and the golden horizon. {@link io.querysub.engine.store.Store} is the entry point;
 * {@code internal} holds its data structures.
 */
package io.querysub.engine.store;
