package io.querysub.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/** Starts S3Proxy, a real S3-protocol server, over a blob store the test keeps. */
public final class S3Proxies {
  private S3Proxies() {}

  /**
   * An S3Proxy on {@code port} of the loopback address (0: a free one) serving {@code blobs},
   * started; the same blobs on the same port again after a stop is the store coming back.
   */
  public static S3Proxy start(BlobStore blobs, int port, String access, String secret)
      throws Exception {
    S3Proxy p =
        S3Proxy.builder()
            .blobStore(blobs)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
            .stopTimeout(0)
            .build();
    p.start();
    for (int i = 0; i < 500 && !"STARTED".equals(p.getState()); i++) {
      Thread.sleep(10);
    }
    assertThat(p.getState()).isEqualTo("STARTED");
    return p;
  }
}
