package io.querysub.it.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.it.crash.MicroProcess;
import io.querysub.it.crash.S3Proxies;
import io.querysub.websocket.client.Batch;
import io.querysub.websocket.client.ServerError;
import io.querysub.websocket.client.Snapshot;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.WatchListener;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batch jobs end to end, through {@code /api/v1/jobs}, on Payara Micro processes of their own:
 * writes go golden after a second and are archived five times a second, so every test archives,
 * backs up and restores within seconds.
 */
class JobsIT {
  private static final String ACCESS = "querysub-jobs-it";
  private static final String SECRET = "querysub-jobs-it-secret-7a1f";
  private static final String BUCKET = "backups-it";

  private final List<MicroProcess> nodes = new ArrayList<>();
  private final BlobStore blobs = new TransientNio2BlobStore();
  private S3Proxy proxy;
  private int proxyPort;

  @AfterEach
  void stopAll() throws Exception {
    for (MicroProcess n : nodes) {
      if (n.process.isAlive()) {
        n.kill9();
      }
    }
    if (proxy != null) {
      proxy.stop();
    }
    blobs.close();
  }

  private MicroProcess start(Path work, String name, Path data, List<String> options)
      throws Exception {
    Files.createDirectories(data);
    List<String> all = new ArrayList<>(options);
    all.add("-Dquerysub.auth.devSignIn=true");
    all.add("-Dquerysub.archive.partitions=4");
    MicroProcess n =
        MicroProcess.start(
            MicroProcess.file("payara.microJar").toPath(),
            MicroProcess.file("querysub.war").toPath(),
            data,
            work,
            name,
            all);
    nodes.add(n);
    if (!n.awaitReady(Duration.ofSeconds(180))) {
      n.kill9();
      throw new AssertionError(name + " did not become ready: " + Files.readString(n.log));
    }
    return n;
  }

  private static Path work(String name) throws Exception {
    Path w = Path.of("target/" + name).toAbsolutePath();
    MicroProcess.deleteTree(w);
    Files.createDirectories(w);
    return w;
  }

  /** Writes {@code paths} values in {@code rounds} archive rounds; returns the last version. */
  private static String fill(JobsApi api, int paths, int rounds, Map<String, String> model)
      throws Exception {
    String last = null;
    for (int r = 0; r < rounds; r++) {
      for (int i = r; i < paths; i += rounds) {
        String v = "{\"i\":" + i + ",\"r\":0}";
        last = api.put("/users/u" + i + "/profile", v);
        model.put("/users/u" + i + "/profile", v);
      }
      Thread.sleep(250); // the next ones land in the next archive round
    }
    api.awaitArchived(last);
    return last;
  }

  @Test
  void backupsRestoresChecksAndMergesOnALocalLocation() throws Exception {
    Path work = work("jobs-local");
    Path dataA = work.resolve("data-a");
    MicroProcess a = start(work, "jobs-a", dataA, List.of());
    JobsApi api = new JobsApi(a);
    String admin = api.signIn("ops", "admin");
    String user = api.signIn("someone");

    // Refusals, each with its code; nothing is started.
    JobsApi.Answer denied = api.send("POST", "/api/v1/jobs/backup", user, null);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(api.send("GET", "/api/v1/jobs", null, null).status()).isEqualTo(403);
    JobsApi.Answer unknown = api.send("POST", "/api/v1/jobs/compact", admin, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("NOT_FOUND");
    JobsApi.Answer bad = api.send("POST", "/api/v1/jobs/restore", admin, "{\"into\":\"tape\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("code")).isEqualTo("INVALID_ARGUMENT");
    assertThat(bad.json().getString("message")).contains("into=tape");
    JobsApi.Answer extra = api.send("POST", "/api/v1/jobs/backup", admin, "{\"fast\":true}");
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.json().getString("message")).contains("'fast' is not a parameter");
    assertThat(api.jobs(admin, "?name=backup")).isEmpty();

    Map<String, String> model = new HashMap<>();
    fill(api, 100, 5, model);
    Map<String, String> atFirst = new HashMap<>(model);

    JsonObject full = api.run(admin, "backup", null);
    JsonObject r1 = full.getJsonObject("result");
    assertThat(r1.getString("kind")).isEqualTo("full");
    assertThat(r1.getJsonNumber("paths").longValue()).isEqualTo(100);
    assertThat(r1.getJsonNumber("copiedObjects").longValue())
        .isEqualTo(r1.getJsonNumber("objects").longValue());
    long items = full.getJsonObject("progress").getJsonNumber("itemsTotal").longValue();
    assertThat(JobsApi.metric(full, "READ_COUNT")).isEqualTo(items);
    assertThat(JobsApi.metric(full, "WRITE_COUNT")).isEqualTo(items);
    // 4 items a chunk, one commit each, and one more at the end.
    assertThat(JobsApi.metric(full, "COMMIT_COUNT")).isGreaterThanOrEqualTo((items + 3) / 4);
    assertThat(full.getJsonObject("progress").getJsonNumber("percent").doubleValue())
        .isEqualTo(100.0);
    String v1 = r1.getString("version");

    // 1% of the paths change: the next backup is incremental and copies only the new segments.
    String last = api.put("/users/u1/profile", "{\"i\":1,\"r\":1}");
    model.put("/users/u1/profile", "{\"i\":1,\"r\":1}");
    api.delete("/users/u4/profile");
    model.remove("/users/u4/profile");
    api.awaitArchived(last);
    Thread.sleep(1200);
    JsonObject r2 = api.run(admin, "backup", null).getJsonObject("result");
    assertThat(r2.getString("kind")).isEqualTo("incremental");
    assertThat(r2.getJsonNumber("base").longValue())
        .isEqualTo(r1.getJsonNumber("backup").longValue());
    assertThat(r2.getJsonNumber("copiedObjects").longValue())
        .isPositive()
        .isLessThan(r2.getJsonNumber("objects").longValue());
    assertThat(r2.getJsonNumber("paths").longValue()).isEqualTo(99);

    JsonObject checked = api.run(admin, "verify", null).getJsonObject("result");
    assertThat(checked.getBoolean("match")).as(checked.toString()).isTrue();
    assertThat(checked.getString("backupDigest")).isEqualTo(r2.getString("digest"));

    // Restore one subtree in place, as of the first backup: a watcher sees it happen.
    List<JsonValue> seen = new CopyOnWriteArrayList<>();
    try (SyncClient c =
        SyncClient.connect(
            URI.create("ws://127.0.0.1:" + a.port + "/sync"), "jobs-it", Duration.ofSeconds(20))) {
      c.watch(
          "/users/u1/profile",
          new WatchListener() {
            @Override
            public void snapshot(Snapshot s) {}

            @Override
            public void changes(List<Batch> b, boolean coalesced) {
              b.forEach(x -> x.changes().forEach(ch -> seen.add(ch.value())));
            }

            @Override
            public void error(ServerError e) {}
          });
      Thread.sleep(300);
      JsonObject restored =
          api.run(
                  admin,
                  "restore",
                  "{\"into\":\"subtree\",\"path\":\"/users/u1\",\"version\":\"" + v1 + "\"}")
              .getJsonObject("result");
      assertThat(restored.getJsonNumber("written").longValue()).isEqualTo(1);
      for (int i = 0; i < 100 && seen.isEmpty(); i++) {
        Thread.sleep(50);
      }
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).asJsonObject().getInt("r")).isZero();
    }
    assertThat(api.get("/users/u1/profile").asJsonObject().getInt("r")).isZero();
    assertThat(api.get("/users/u4/profile")).isNull(); // outside the subtree: left alone

    // Point-in-time restore of everything into an empty data directory; a node started there
    // holds exactly the state of the first backup.
    Path dataB = work.resolve("data-b");
    api.run(
        admin,
        "restore",
        "{\"into\":\"directory\",\"directory\":\"" + dataB + "\",\"version\":\"" + v1 + "\"}");
    MicroProcess b = start(work, "jobs-b", dataB, List.of());
    JobsApi apiB = new JobsApi(b);
    for (Map.Entry<String, String> e : atFirst.entrySet()) {
      assertThat(apiB.get(e.getKey())).as(e.getKey()).isEqualTo(JobsApi.json(e.getValue()));
    }
    assertThat(b.archivedWrites()).isEqualTo(100);
    b.kill9();

    // A merge on demand.
    JsonObject merged =
        api.run(admin, "archive-merge", "{\"targetSize\":\"1MiB\"}").getJsonObject("result");
    assertThat(merged.getJsonNumber("segmentsAfter").longValue())
        .isLessThanOrEqualTo(merged.getJsonNumber("segmentsBefore").longValue());
    assertThat(
            api.run(admin, "verify", "{\"backup\":" + r1.getJsonNumber("backup") + "}")
                .getJsonObject("result")
                .getBoolean("match"))
        .isTrue(); // backup 1 is whole, and the merged archive still holds its data
    // A damaged backup object: verify fails and says which partition and object.
    Path manifest =
        dataA.resolve(
            String.format(
                "backups/backups/%020d.manifest", r2.getJsonNumber("backup").longValue()));
    String key =
        Files.readAllLines(manifest).stream()
            .filter(l -> l.startsWith("s="))
            .findFirst()
            .orElseThrow()
            .substring(2)
            .split(" ")[0];
    Path object = dataA.resolve("backups").resolve(key);
    byte[] bytes = Files.readAllBytes(object);
    bytes[bytes.length - 3] ^= 0x21;
    Files.write(object, bytes);
    long vid = api.start(admin, "verify", null).getJsonNumber("id").longValue();
    JsonObject failed = api.awaitEnd(admin, vid);
    assertThat(failed.getString("status")).isEqualTo("FAILED");
    assertThat(failed.getString("error")).contains("does not match", "damaged");

    System.out.println(
        "JobsIT local: backups "
            + r1.getJsonNumber("objects")
            + " objects (full), "
            + r2.getJsonNumber("copiedObjects")
            + " copied (incremental)");
  }

  private void startProxy(int wanted) throws Exception {
    proxy = S3Proxies.start(blobs, wanted, ACCESS, SECRET);
    proxyPort = proxy.getPort();
  }

  private List<String> keys(String prefix) {
    List<String> out = new ArrayList<>();
    for (var o : blobs.list(BUCKET).contents()) {
      if (o.key().startsWith(prefix)) {
        out.add(o.key());
      }
    }
    return out;
  }

  @Test
  void aBackupToS3SurvivesAnOutageAndOnlyOneBackupRunsAtATime() throws Exception {
    blobs.createContainer(BUCKET);
    startProxy(0);
    Path work = work("jobs-s3");
    MicroProcess n =
        start(
            work,
            "jobs-s3",
            work.resolve("data"),
            List.of(
                "-Dquerysub.backup.store=s3",
                "-Dquerysub.backup.s3.endpoint=http://127.0.0.1:" + proxyPort,
                "-Dquerysub.backup.s3.bucket=" + BUCKET,
                "-Dquerysub.backup.s3.accessKey=" + ACCESS,
                "-Dquerysub.backup.s3.secretKey=" + SECRET,
                "-Dquerysub.backup.s3.timeout=1s",
                "-Dquerysub.jobs.leaseWait=500ms",
                "-Dquerysub.backup.keepChains=1",
                // Each object copied takes 150 ms longer: the test acts in the middle.
                "-Dquerysub.failpoints=backup.afterCopy=delay:150"));
    JobsApi api = new JobsApi(n);
    String admin = api.signIn("ops", "admin");
    fill(api, 120, 6, new HashMap<>());

    long first = api.start(admin, "backup", null).getJsonNumber("id").longValue();
    JsonObject j = api.awaitItems(admin, first, 3);
    long total = j.getJsonObject("progress").getJsonNumber("itemsTotal").longValue();
    assertThat(total).isGreaterThan(8);

    // A second backup of the same archive waits for the partitions, then fails saying why.
    JsonObject second =
        api.awaitEnd(admin, api.start(admin, "backup", null).getJsonNumber("id").longValue());
    assertThat(second.getString("status")).isEqualTo("FAILED");
    assertThat(second.getString("error")).contains("is held by", "execution " + first);

    // The store goes away in the middle: the backup fails, nothing is published.
    proxy.stop();
    proxy = null;
    JsonObject broken = api.awaitEnd(admin, first);
    assertThat(broken.getString("status")).isEqualTo("FAILED");
    assertThat(broken.getString("error")).contains("127.0.0.1:" + proxyPort);
    long doneBefore = broken.getJsonObject("progress").getJsonNumber("itemsDone").longValue();
    assertThat(doneBefore).isLessThan(total);
    assertThat(keys("backups/")).isEmpty();
    assertThat(keys("plans/")).hasSize(1);

    // Back: the restart takes up the checkpoint and completes the same backup.
    startProxy(proxyPort);
    JobsApi.Answer re = api.send("POST", "/api/v1/jobs/" + first + "/restart", admin, null);
    assertThat(re.status()).as(re.body()).isEqualTo(202);
    long again = re.json().getJsonNumber("id").longValue();
    assertThat(again).isNotEqualTo(first);
    JsonObject done = api.awaitEnd(admin, again);
    assertThat(done.getString("status")).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(JobsApi.metric(done, "READ_COUNT")).isLessThan(total);
    assertThat(done.getJsonObject("result").getJsonNumber("paths").longValue()).isEqualTo(120);
    assertThat(keys("backups/")).hasSize(1);
    assertThat(keys("plans/")).isEmpty();
    // A finished execution is not restarted again.
    assertThat(api.send("POST", "/api/v1/jobs/" + again + "/restart", admin, null).status())
        .isEqualTo(409);

    JsonObject checked = api.run(admin, "verify", null).getJsonObject("result");
    assertThat(checked.getBoolean("match")).as(checked.toString()).isTrue();

    // Stopped on request after its current chunk, then restarted from there to completion.
    long stoppable = api.start(admin, "backup", "{\"full\":true}").getJsonNumber("id").longValue();
    api.awaitItems(admin, stoppable, 2);
    JobsApi.Answer st = api.send("POST", "/api/v1/jobs/" + stoppable + "/stop", admin, null);
    assertThat(st.status()).as(st.body()).isEqualTo(200);
    JsonObject stopped = api.awaitEnd(admin, stoppable);
    assertThat(stopped.getString("status")).isEqualTo("STOPPED");
    assertThat(stopped.getJsonObject("progress").getJsonNumber("itemsDone").longValue())
        .isLessThan(stopped.getJsonObject("progress").getJsonNumber("itemsTotal").longValue());
    JobsApi.Answer resumed =
        api.send("POST", "/api/v1/jobs/" + stoppable + "/restart", admin, null);
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
    JsonObject fullAgain = api.awaitEnd(admin, resumed.json().getJsonNumber("id").longValue());
    assertThat(fullAgain.getString("status")).as(fullAgain.toString()).isEqualTo("COMPLETED");
    assertThat(fullAgain.getJsonObject("result").getString("kind")).isEqualTo("full");
    // keepChains=1: the new full backup's chain replaced the first one, objects and all.
    assertThat(fullAgain.getJsonObject("result").getJsonNumber("expiredBackups").longValue())
        .isEqualTo(1);
    assertThat(keys("backups/")).hasSize(1);
    long chain = fullAgain.getJsonObject("result").getJsonNumber("chain").longValue();
    assertThat(keys("chains/"))
        .isNotEmpty()
        .allMatch(k -> k.startsWith(String.format("chains/%020d/", chain)));
    System.out.println(
        "JobsIT s3: backup of "
            + total
            + " items failed after "
            + doneBefore
            + " when the store went away, the restart read "
            + JobsApi.metric(done, "READ_COUNT")
            + " and completed; verify matched");
    n.kill9();
  }

  @Test
  void aMergeJobKilledWithItsNodeIsFinishedAfterTheRestart() throws Exception {
    Path work = work("jobs-kill");
    Path data = work.resolve("data");
    // The node halts itself (exit status 137, as kill -9) right after the second partition's
    // merge wrote its manifest, before the segments it replaced are deleted.
    MicroProcess k =
        start(
            work,
            "jobs-kill-1",
            data,
            List.of("-Dquerysub.failpoints=merge.afterManifest=crash@2"));
    JobsApi api = new JobsApi(k);
    String admin = api.signIn("ops", "admin");
    fill(api, 80, 6, new HashMap<>());
    JsonObject before = api.run(admin, "backup", null).getJsonObject("result");
    api.start(admin, "archive-merge", "{\"targetSize\":\"1MiB\"}");
    assertThat(k.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(k.process.exitValue()).isEqualTo(137);

    // Restarted (a fresh batch runtime) with merges scheduled every 2 s: the next scheduled merge
    // finishes the work; the archive still holds exactly the data of the backup taken before, and
    // nothing no manifest lists is left.
    MicroProcess k2 =
        start(
            work,
            "jobs-kill-2",
            data,
            List.of(
                "-Dquerysub.jobs.archive-merge.every=2s",
                "-Dquerysub.jobs.archive-merge.targetSize=1MiB"));
    JobsApi api2 = new JobsApi(k2);
    String admin2 = api2.signIn("ops", "admin");
    JsonObject merged = null;
    for (int i = 0; i < 150 && merged == null; i++) {
      for (JsonObject j : api2.jobs(admin2, "?name=archive-merge")) {
        if (j.getJsonObject("parameters").getString("trigger").equals("schedule")
            && j.getString("status").equals("COMPLETED")) {
          merged = j.getJsonObject("result");
        }
      }
      Thread.sleep(100);
    }
    assertThat(merged).as("a scheduled merge completed").isNotNull();
    JsonObject checked =
        api2.run(admin2, "verify", "{\"backup\":" + before.getJsonNumber("backup") + "}")
            .getJsonObject("result");
    assertThat(checked.getBoolean("match")).as(checked.toString()).isTrue();
    k2.kill9();
    try (var store =
        new io.querysub.engine.archive.LocalDirectoryArchiveStore(data.resolve("archive"))) {
      java.util.Set<String> listed = new java.util.HashSet<>();
      for (var m : io.querysub.engine.archive.Manifests.kept(store, 2)) {
        m.segments().forEach(r -> listed.add(r.key()));
        listed.addAll(m.largeValues());
      }
      long orphans = store.list("segments/").stream().filter(x -> !listed.contains(x)).count();
      var latest = io.querysub.engine.archive.Manifests.latest(store).orElseThrow();
      System.out.println(
          "JobsIT kill: merge killed after its 2nd partition; after the restart the scheduled merge merged "
              + merged.getJsonNumber("partitionsMerged")
              + " more, "
              + latest.segments().size()
              + " segments, orphans "
              + orphans
              + ", verify matched");
      assertThat(orphans).isZero();
      assertThat(latest.segments().size()).isLessThanOrEqualTo(4);
    }
  }
}
