package io.querysub.web.protocol;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /api/v1/auth/dev-sign-in}: the name to sign in as and its roles (development only).
 */
public record SignInRequest(
    @NotNull @Size(min = 1, max = 128) @Pattern(regexp = "[^.\\p{Cntrl}][^\\p{Cntrl}]*")
        String name,
    @Size(max = 32) List<@NotNull @Size(min = 1, max = 64) String> roles) {}
