package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.websocket.client.Batch;
import io.querysub.websocket.client.Change;
import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.Tx;
import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ordering and no-gap delivery: four writers (two over REST, two over WebSocket) write random paths
 * under {@code /ord} at once, and watchers must see every committed version of what they watch, in
 * increasing version order, none twice, checked against the versions the writers got.
 */
@ExtendWith(ArquillianExtension.class)
class SyncOrderingIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private static final int WRITERS = 4;
  private static final int WRITES_EACH = 200;
  private static final int PATHS = 6;

  @Test
  void everyCommittedVersionArrivesOnceInOrder() throws Exception {
    long seed = Long.getLong("it.seed", System.nanoTime());
    System.out.println("SyncOrderingIT seed=" + seed + " (rerun with -Dit.seed=" + seed + ")");
    Api api = new Api(base);
    api.put("/ord/p0", "0"); // so the children watch starts with a key

    try (SyncClient watcher = Sync.connect(base, "it-watcher")) {
      Sync.Recorder subtree = new Sync.Recorder();
      Sync.Recorder hot = new Sync.Recorder();
      Sync.Recorder children = new Sync.Recorder();
      watcher.watch(WatchKind.SUBTREE, "/ord", WatchMode.LATEST, null, subtree);
      watcher.watch(WatchKind.PATH, "/ord/p1", WatchMode.LATEST, null, hot);
      watcher.watch(WatchKind.CHILDREN, "/ord", WatchMode.LATEST, null, children);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  subtree.snapshots.size() == 1
                      && hot.snapshots.size() == 1
                      && children.snapshots.size() == 1);

      // version -> path of every committed write
      Map<String, String> committed = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Random random = new Random(seed + w);
        done.add(
            pool.submit(
                () -> {
                  if (writer < 2) {
                    for (int i = 0; i < WRITES_EACH; i++) {
                      String path = "/ord/p" + random.nextInt(PATHS);
                      committed.put(api.put(path, Integer.toString(i)).version(), path);
                    }
                  } else {
                    try (SyncClient c = Sync.connect(base, "it-writer-" + writer)) {
                      for (int i = 0; i < WRITES_EACH; i++) {
                        String path = "/ord/p" + random.nextInt(PATHS);
                        CommitResult r = c.commit(Tx.create().set(path, i)).join();
                        assertThat(r.valid()).isTrue();
                        committed.put(r.version(), path);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      int total = WRITERS * WRITES_EACH;
      assertThat(committed).hasSize(total); // versions are unique

      TreeMap<String, String> inOrder = new TreeMap<>(RestApiIT::compareVersions);
      inOrder.putAll(committed);
      List<String> allVersions = new ArrayList<>(inOrder.keySet());
      List<String> hotVersions =
          inOrder.entrySet().stream()
              .filter(e -> e.getValue().equals("/ord/p1"))
              .map(Map.Entry::getKey)
              .toList();

      await().atMost(Duration.ofSeconds(60)).until(() -> versions(subtree).size() >= total);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> versions(hot).size() >= hotVersions.size());

      assertThat(subtree.coalesced).as("the watcher kept up: nothing coalesced").isFalse();
      assertThat(versions(subtree))
          .as("subtree: every version, in order, once")
          .isEqualTo(allVersions);
      for (Batch b : subtree.batches) {
        for (Change c : b.changes()) {
          assertThat(c.path()).isEqualTo(inOrder.get(b.version()));
        }
      }
      assertThat(versions(hot)).as("path watch: every version of /ord/p1").isEqualTo(hotVersions);
      strictlyIncreasing(children.batches);
      System.out.println(
          "SyncOrderingIT: "
              + total
              + " commits, subtree batches "
              + subtree.batches.size()
              + ", /ord/p1 batches "
              + hot.batches.size()
              + ", children batches "
              + children.batches.size());
    }
  }

  private static List<String> versions(Sync.Recorder r) {
    List<String> out = new ArrayList<>();
    for (Batch b : r.batches) {
      out.add(b.version());
    }
    return out;
  }

  private static void strictlyIncreasing(List<Batch> batches) {
    List<String> v = batches.stream().map(Batch::version).toList();
    assertThat(v).isSortedAccordingTo(Comparator.comparing(s -> s, RestApiIT::compareVersions));
    assertThat(v).doesNotHaveDuplicates();
  }
}
