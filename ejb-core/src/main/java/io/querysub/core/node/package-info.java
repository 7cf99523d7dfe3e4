/**
 * The node's engine as a container bean: {@link io.querysub.core.node.NodeEngine} builds the
 * engine's store from the settings at startup, moves its golden horizon on a timer, and says when
 * the node is ready. Nothing else in the application creates a store.
 */
package io.querysub.core.node;
