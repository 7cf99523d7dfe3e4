package io.querysub.websocket.client;

/** An {@code error} frame: the request id (JSON text, or null), stable code, message and path. */
public record ServerError(String id, String code, String message, String path) {}
