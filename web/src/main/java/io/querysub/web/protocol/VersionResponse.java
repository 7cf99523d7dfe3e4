package io.querysub.web.protocol;

/** The version a write or transaction was stored at. */
public record VersionResponse(String version) {}
