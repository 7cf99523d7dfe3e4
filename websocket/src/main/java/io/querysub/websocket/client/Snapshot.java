package io.querysub.websocket.client;

import java.util.List;

/**
 * The starting state of a watch (or the answer to a read), exact as of {@code version}. With {@code
 * full} false (a resumed path watch whose value is not newer than {@code since}) the entries are
 * empty and the client keeps what it had.
 */
public record Snapshot(
    String id, String kind, String path, String version, boolean full, List<Entry> entries) {}
