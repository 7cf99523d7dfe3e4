package io.querysub.websocket.client;

import org.glassfish.tyrus.client.ClientManager;

/**
 * Tyrus's client container, kept with its executors for as long as the JVM runs.
 *
 * <p>Tyrus 2.1.5's {@code ClientManager} shuts its executors down when its last connection ends,
 * and a connection that starts at that moment can take the executor being shut down: its session
 * then fails to schedule ({@code RejectedExecutionException} in the handshake), and the connect
 * hangs until the 30 s handshake timeout. Closing one client and opening the next at once (a
 * reconnect, the leak test's cycles) hits that window. This container never shuts its executors
 * down on its own (they are daemon threads; {@link #shutdown()} still ends them).
 *
 * <p>Loaded by name from {@link SyncClient} only when the WebSocket implementation is Tyrus, so the
 * client keeps working on any other implementation of the standard API.
 */
final class LastingTyrusContainer extends ClientManager {
  @Override
  protected void shutdown(ShutDownCondition condition) {
    // Never on the last connection's end: see the class comment.
  }
}
