/**
 * A Java client for {@code /sync} (protocol v1) on the standard Jakarta WebSocket client API: any
 * implementation found by {@code ContainerProvider} works (Tyrus's standalone client outside a
 * server). It uses only JSON-P, the WebSocket API and the {@code protocol} package's names, never
 * the server's classes, so it can move to an artifact of its own unchanged.
 */
package io.querysub.websocket.client;
