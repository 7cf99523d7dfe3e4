package io.querysub.websocket.client;

import jakarta.json.JsonValue;

/**
 * One change: {@code op} is {@code value} (the path's new value, {@code null} when deleted, with
 * its {@code version}), {@code keyAdded} or {@code keyRemoved} (children watches: a key of the
 * watched path appeared or disappeared).
 */
public record Change(String op, String path, JsonValue value, String version) {}
