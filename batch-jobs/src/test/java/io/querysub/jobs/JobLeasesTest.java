package io.querysub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leases across two members of a real data grid (two Hazelcast members in this JVM, on loopback):
 * one holder at a time, released on close, renewed while held, and freed by the time to live when
 * the member holding it dies.
 */
class JobLeasesTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private HazelcastInstance a;
  private HazelcastInstance b;

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    Hazelcast.shutdownAll();
  }

  private static Config config(String cluster, int port) {
    Config c = new Config();
    c.setClusterName(cluster);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    var net = c.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    net.getJoin()
        .getTcpIpConfig()
        .setEnabled(true)
        .addMember("127.0.0.1:5931") // each member named: a port range is refused
        .addMember("127.0.0.1:5932");
    return c;
  }

  @Test
  void oneHolderAtATimeAcrossMembersAndADeadHoldersLeaseExpires() throws Exception {
    String cluster = "leases-" + System.nanoTime();
    a = Hazelcast.newHazelcastInstance(config(cluster, 5931));
    b = Hazelcast.newHazelcastInstance(config(cluster, 5932));
    assertThat(a.getCluster().getMembers()).hasSize(2);
    JobLeases onA = new JobLeases(a.getMap(JobLeases.MAP), scheduler);
    JobLeases onB = new JobLeases(b.getMap(JobLeases.MAP), scheduler);
    assertThat(onA.shared()).isTrue();
    Duration ttl = Duration.ofSeconds(2);

    JobLeases.Lease held =
        onA.acquire("archive x partition 3", "node 1 execution 7", ttl, Duration.ZERO);
    // Renewed while held: still taken after several times its time to live.
    Thread.sleep(5_000);
    assertThatThrownBy(
            () ->
                onB.acquire(
                    "archive x partition 3", "node 2 execution 9", ttl, Duration.ofMillis(300)))
        .isInstanceOf(QuerysubException.class)
        .satisfies(e -> assertThat(((QuerysubException) e).code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("held by node 1 execution 7");
    // Another partition is free.
    onB.acquire("archive x partition 4", "node 2 execution 9", ttl, Duration.ZERO).close();
    held.close();
    JobLeases.Lease onBNow =
        onB.acquire("archive x partition 3", "node 2 execution 9", ttl, Duration.ofSeconds(1));

    // The member holding it dies: its lease is not renewed, and expires.
    b.getLifecycleService().terminate();
    long t0 = System.nanoTime();
    JobLeases.Lease again =
        onA.acquire("archive x partition 3", "node 1 execution 8", ttl, Duration.ofSeconds(10));
    long waited = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("JobLeasesTest: the dead member's lease was free after " + waited + " ms");
    assertThat(waited).isLessThan(10_000);
    again.close();
    onBNow.close(); // its member is gone: releasing fails quietly
  }

  @Test
  void withoutAGridLeasesAreKeptInMemory() {
    JobLeases local = new JobLeases(null, scheduler);
    assertThat(local.shared()).isFalse();
    JobLeases.Lease l = local.acquire("p", "one", Duration.ofSeconds(5), Duration.ZERO);
    assertThatThrownBy(() -> local.acquire("p", "two", Duration.ofSeconds(5), Duration.ZERO))
        .hasMessageContaining("held by one");
    l.close();
    local.acquire("p", "two", Duration.ofSeconds(5), Duration.ZERO).close();
  }
}
