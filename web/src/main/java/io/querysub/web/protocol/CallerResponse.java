package io.querysub.web.protocol;

import java.util.List;

/** {@code GET /api/v1/auth/me}: who the request's token names. */
public record CallerResponse(
    String caller, List<String> roles, boolean anonymous, Long expiresAt) {}
