package io.querysub.web.api;

import io.querysub.config.NodeSettings;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Request bodies with a size bound. {@link BodyLimitFilter} refuses an over-long declared {@code
 * Content-Length} before anything is read and wraps every body in {@link #limit}, so a chunked body
 * cannot grow past the limit either; resources then read the whole (bounded) body at once.
 */
final class RequestBodies {
  private RequestBodies() {}

  static QuerysubException tooLarge(long limit) {
    return new QuerysubException(
        ErrorCode.REQUEST_TOO_LARGE,
        "request body is larger than the limit of " + limit + " bytes (querysub.maxRequestSize)");
  }

  static InputStream limit(InputStream in, NodeSettings settings) {
    long max = settings.maxRequestBytes();
    return new FilterInputStream(in) {
      private long seen;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(int n) {
        seen += n;
        if (seen > max) {
          throw tooLarge(max);
        }
      }
    };
  }

  /** The whole body (already bounded by the filter); an I/O failure is the client's. */
  static byte[] readAll(InputStream in) {
    try {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
  }
}
