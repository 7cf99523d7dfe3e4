/**
 * One connection's state: its session logic ({@link io.querysub.websocket.internal.Connection}),
 * its outbound queue with a single sender and the slow-consumer bound ({@link
 * io.querysub.websocket.internal.Outbound}), the answers that wait for the write-ahead log ({@link
 * io.querysub.websocket.internal.DurableReplies}), its watches and its request rate limit. Plain
 * Java, unit-tested without a container.
 */
package io.querysub.websocket.internal;
