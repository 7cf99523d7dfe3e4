package io.querysub.web.protocol;

import java.util.List;

/** A token issued by development sign-in, when it expires, and the caller it names. */
public record TokenResponse(String token, long expiresAt, String caller, List<String> roles) {}
