package io.querysub.websocket;

import io.querysub.config.ConfigurationException;
import io.querysub.config.SettingValues;
import java.util.Optional;
import java.util.function.Function;

/**
 * The limits of the {@code /sync} endpoint, read once at startup. Kept apart from MicroProfile
 * Config (see {@link SyncService}) so the rules are unit-tested without a container.
 *
 * @param maxMessageSize largest request frame in UTF-8 bytes ({@code querysub.maxRequestSize}); a
 *     larger one closes the connection with 1009
 * @param maxWatches most open watches per connection
 * @param maxQueue most changes and frames waiting to be sent to one connection before its {@code
 *     latest} watches are coalesced, and, if that is not enough, it is closed with 4001
 * @param maxRequestsPerSecond requests one connection may send a second (bursts up to a second's
 *     worth); more are refused with {@code LIMIT_EXCEEDED}
 * @param maxWatchKeys most child keys a children watch may cover
 * @param maxSubtreePaths most values a subtree watch may cover
 * @param idleTimeoutSeconds a connection that sends nothing for this long is closed (4002), so a
 *     client that vanished without closing (a dropped network, a killed process) leaves nothing
 *     behind; 0 never closes. Clients ping when quiet.
 * @param durableNoticeDelayMillis how long a {@code durable} notice may wait for the connection's
 *     next answer to ride with (0: sent as soon as the log has synced)
 */
public record SyncSettings(
    int maxMessageSize,
    int maxWatches,
    int maxQueue,
    int maxRequestsPerSecond,
    int maxWatchKeys,
    int maxSubtreePaths,
    int idleTimeoutSeconds,
    int durableNoticeDelayMillis) {
  public static final String MAX_WATCHES = "querysub.sync.maxWatches";
  public static final String MAX_QUEUE = "querysub.sync.maxQueue";
  public static final String MAX_REQUESTS_PER_SECOND = "querysub.sync.maxRequestsPerSecond";
  public static final String MAX_WATCH_KEYS = "querysub.sync.maxWatchKeys";
  public static final String MAX_SUBTREE_PATHS = "querysub.sync.maxSubtreePaths";
  public static final String IDLE_TIMEOUT_SECONDS = "querysub.sync.idleTimeoutSeconds";
  public static final String DURABLE_NOTICE_DELAY_MILLIS = "querysub.sync.durableNoticeDelayMillis";

  /**
   * Reads the settings, applying defaults for missing keys.
   *
   * @param maxMessageSize the node's request size limit, which also bounds a frame
   * @throws ConfigurationException listing every invalid setting
   */
  public static SyncSettings read(Function<String, Optional<String>> source, int maxMessageSize) {
    SettingValues in = new SettingValues(source);
    int watches = in.integer(MAX_WATCHES, 1000, 1, 1_000_000);
    int queue = in.integer(MAX_QUEUE, 10_000, 16, 100_000_000);
    int rate = in.integer(MAX_REQUESTS_PER_SECOND, 10_000, 1, 100_000_000);
    int keys = in.integer(MAX_WATCH_KEYS, 10_000, 1, 10_000_000);
    int paths = in.integer(MAX_SUBTREE_PATHS, 10_000, 1, 10_000_000);
    int idle = in.integer(IDLE_TIMEOUT_SECONDS, 300, 0, 86_400);
    int notice = in.integer(DURABLE_NOTICE_DELAY_MILLIS, 20, 0, 1000);
    in.check();
    return new SyncSettings(maxMessageSize, watches, queue, rate, keys, paths, idle, notice);
  }
}
