package io.querysub.websocket.client;

import java.util.List;

/** The changes of one commit inside a watch's scope, at the commit's version. */
public record Batch(String version, List<Change> changes) {}
