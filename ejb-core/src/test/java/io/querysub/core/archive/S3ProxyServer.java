package io.querysub.core.archive;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3-protocol server (S3Proxy, objects in memory) on a free loopback port, one per test:
 * register it as an instance field with {@code @RegisterExtension} (a static one broke on the
 * second test). It starts before the test's {@code @BeforeEach} methods and stops after its
 * {@code @AfterEach} ones. {@link #stop()} and {@link #restart()} take it away and bring it back on
 * the same port with the same objects.
 */
final class S3ProxyServer implements BeforeEachCallback, AfterEachCallback {
  static final String ACCESS_KEY = "querysub-test";
  static final String SECRET_KEY = "querysub-test-secret-8f3a1c";

  private final BlobStore blobs = new TransientNio2BlobStore();
  private S3Proxy proxy;
  private int port;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    startOn(0);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    blobs.close();
  }

  /** {@code http://127.0.0.1:port}. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  void createBucket(String bucket) {
    blobs.createContainer(bucket);
  }

  boolean bucketExists(String bucket) {
    return blobs.containerExists(bucket);
  }

  /** Closes the listening socket: connections are then refused. */
  void stop() throws Exception {
    proxy.stop();
    proxy = null;
  }

  /** A new server on the port of the first, over the same objects. */
  void restart() throws Exception {
    startOn(port);
  }

  private void startOn(int wanted) throws Exception {
    S3Proxy p =
        S3Proxy.builder()
            .blobStore(blobs)
            .endpoint(URI.create("http://127.0.0.1:" + wanted))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .stopTimeout(0)
            .build();
    p.start();
    for (int i = 0; i < 500 && !"STARTED".equals(p.getState()); i++) {
      Thread.sleep(10);
    }
    if (!"STARTED".equals(p.getState())) {
      throw new IllegalStateException("S3Proxy did not start: " + p.getState());
    }
    proxy = p;
    port = p.getPort();
  }
}
