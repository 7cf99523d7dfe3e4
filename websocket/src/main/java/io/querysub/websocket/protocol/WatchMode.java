package io.querysub.websocket.protocol;

/** How a watch delivers, with its name on the wire. */
public enum WatchMode {
  /** The current state, then every change (coalesced to the newest value when a client lags). */
  LATEST("latest"),
  /** The current state only; nothing follows. */
  ONCE("once"),
  /** Every write since a version, within retention. Not supported yet: refused NOT_SUPPORTED. */
  HISTORY("history");

  private final String wire;

  WatchMode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The mode named {@code wire}, or null. */
  public static WatchMode of(String wire) {
    for (WatchMode m : values()) {
      if (m.wire.equals(wire)) {
        return m;
      }
    }
    return null;
  }
}
