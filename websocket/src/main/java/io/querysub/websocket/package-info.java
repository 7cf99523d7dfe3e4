/**
 * The {@code /sync} WebSocket endpoint: live watches, reads and commits for browsers and Java
 * clients (protocol v1, {@code docs/protocol.md}). The endpoint and the CDI beans here are thin; a
 * connection's logic is in {@code internal}, the wire format in {@code protocol}, and a Java client
 * in {@code client}.
 */
package io.querysub.websocket;
