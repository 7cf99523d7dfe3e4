package io.querysub.websocket.protocol;

/** What a watch covers, with its name on the wire. */
public enum WatchKind {
  /** The value of one path. */
  PATH("path"),
  /** The direct children of a path: which keys exist and their values. */
  CHILDREN("children"),
  /** Every value at or below a path (bounded). */
  SUBTREE("subtree");

  private final String wire;

  WatchKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The kind named {@code wire}, or null. */
  public static WatchKind of(String wire) {
    for (WatchKind k : values()) {
      if (k.wire.equals(wire)) {
        return k;
      }
    }
    return null;
  }
}
