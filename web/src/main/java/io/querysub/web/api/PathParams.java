package io.querysub.web.api;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import jakarta.ws.rs.core.UriInfo;

/**
 * Paths and query parameters from the URL. The path is taken from the raw (encoded) template
 * parameter: the decoded one has already turned {@code %2F} into {@code /}, splitting a segment.
 */
final class PathParams {
  private PathParams() {}

  /** The raw tail captured by {@code {path: .*}}, as a path text starting with '/'. */
  static String rawPath(UriInfo uri) {
    String raw = uri.getPathParameters(false).getFirst("path");
    return "/" + (raw == null ? "" : raw);
  }

  static Path path(UriInfo uri) {
    return Path.parse(rawPath(uri));
  }

  static Path parentPath(UriInfo uri) {
    return Path.parseAllowingRoot(rawPath(uri));
  }

  static Integer integer(String name, String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST, name + " must be a whole number, got '" + text + "'");
    }
  }

  static boolean flag(String name, String text) {
    if (text == null || text.isEmpty() || text.equals("false")) {
      return false;
    }
    if (text.equals("true")) {
      return true;
    }
    throw new QuerysubException(
        ErrorCode.BAD_REQUEST, name + " must be true or false, got '" + text + "'");
  }
}
