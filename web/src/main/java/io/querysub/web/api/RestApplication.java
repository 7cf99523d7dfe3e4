package io.querysub.web.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Mounts the API at {@code /api/v1}; resources and providers are found by scanning. */
@ApplicationPath("/api/v1")
public class RestApplication extends Application {}
