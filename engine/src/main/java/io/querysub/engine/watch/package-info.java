/**
 * The change feed and watches: every commit's changes, published in version order with no gap and
 * no duplicate, and routed to the watches of a path, of a path's children, or of a subtree.
 */
package io.querysub.engine.watch;
