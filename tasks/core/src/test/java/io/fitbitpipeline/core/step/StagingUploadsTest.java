package io.fitbitpipeline.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.lake.StoredObject;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transform uploads a finished date's Parquet files while it transforms the next date (real
 * s3proxy and PostgreSQL; the store below only slows or fails the staging PUTs it passes on). At
 * most one date is in flight, every staged file of the manifest is in the lake, and a failed upload
 * fails the step before any manifest is written, leaving no local files behind.
 */
class StagingUploadsTest {
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-19");
  private static final Activity ACTIVITY = Activity.STEPS;

  private PipelineConfig config;
  private ObjectStore real;
  private LakeLayout lake;
  private Path work;

  @BeforeEach
  void freshBucketsAndWarehouse() throws Exception {
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    config = servers.config("raw-" + suffix, "lake-" + suffix);
    real = LocalServers.storeWithBuckets(config);
    lake = new LakeLayout(config.lakeBucket());
    work = Files.createTempDirectory("staging-uploads-");
    SampleWeek.generate(WINDOW)
        .forEach(
            (key, content) -> {
              if (key.startsWith("user0")) {
                real.put(config.rawBucket(), "raw/" + key, content);
              }
            });
    Pipeline pipeline = pipeline(real);
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
  }

  @AfterEach
  void deleteWork() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Test
  void datesAreUploadedOneAtATimeAndAllReachTheLake() throws Exception {
    RunId run = new RunId("uploads-ok");
    pipeline(real).extractor().run(ACTIVITY, WINDOW, run, false);
    StagingStore store = new StagingStore(real, null);

    TransformManifest manifest = pipeline(store).transformer().run(ACTIVITY, WINDOW, run);

    List<StagedFile> staged = manifest.stagedFiles();
    assertEquals(4 * 2, staged.size(), "intraday and daily files of 4 dates: " + staged);
    assertEquals(staged.size(), store.puts.get(), "one PUT per staged file");
    assertEquals(1, store.maxDatesInFlight.get(), "at most one date uploading at a time");
    assertTrue(store.maxPutsInFlight.get() >= 2, "a date's files go up at once");
    List<StagedFile> byDate =
        staged.stream().sorted(Comparator.comparing(StagedFile::date)).toList();
    assertEquals(byDate, staged, "the manifest lists the files date by date");
    for (StagedFile file : staged) {
      assertTrue(real.exists(config.lakeBucket(), file.key()), file.key() + " is in the lake");
    }
    assertTrue(real.exists(config.lakeBucket(), lake.transformManifest(run, ACTIVITY)));
    assertEquals(List.of(), leftovers(), "no local Parquet files left");
  }

  @Test
  void aFailedUploadFailsTheStepBeforeAnyManifest() throws Exception {
    RunId run = new RunId("uploads-fail");
    pipeline(real).extractor().run(ACTIVITY, WINDOW, run, false);
    // The first date's intraday file fails while the transform is already on the next date.
    StagingStore store = new StagingStore(real, "/date=2026-11-16/");

    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> pipeline(store).transformer().run(ACTIVITY, WINDOW, run));

    assertTrue(e.getMessage().contains("injected upload failure"), e.getMessage());
    assertFalse(
        real.exists(config.lakeBucket(), lake.transformManifest(run, ACTIVITY)),
        "no transform manifest: load and promote must not see a half-staged run");
    List<String> manifests = new ArrayList<>();
    real.list(
        config.lakeBucket(),
        "manifests/" + run.value() + "/" + ACTIVITY.id() + "/",
        o -> manifests.add(o.key()));
    assertEquals(
        List.of(lake.extractManifest(run, ACTIVITY)), manifests, "no load manifest either");
    assertEquals(List.of(), leftovers(), "no local Parquet files left");

    // A rerun with the lake healthy stages everything.
    TransformManifest rerun = pipeline(real).transformer().run(ACTIVITY, WINDOW, run);
    assertEquals(4 * 2, rerun.stagedFiles().size());
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private Pipeline pipeline(ObjectStore store) {
    return LocalServers.quietPipeline(config, store, work);
  }

  /**
   * The real store, with each staging PUT held 150 ms (long enough for the transform to reach the
   * next date meanwhile) and counted; a PUT whose key contains {@code failing} fails after its
   * wait, as a refused request would.
   */
  private static final class StagingStore implements ObjectStore {
    private final ObjectStore real;
    private final String failing;
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger maxDatesInFlight = new AtomicInteger();
    final AtomicInteger maxPutsInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightByDate = new ConcurrentHashMap<>();
    private final AtomicInteger putsInFlight = new AtomicInteger();

    StagingStore(ObjectStore real, String failing) {
      this.real = real;
      this.failing = failing;
    }

    @Override
    public void putFile(String bucket, String key, Path file) {
      String date = key.replaceAll(".*/date=([0-9-]+)/.*", "$1");
      inFlightByDate.computeIfAbsent(date, d -> new AtomicInteger()).incrementAndGet();
      maxPutsInFlight.accumulateAndGet(putsInFlight.incrementAndGet(), Math::max);
      maxDatesInFlight.accumulateAndGet(
          (int) inFlightByDate.values().stream().filter(n -> n.get() > 0).count(), Math::max);
      try {
        Thread.sleep(150);
        if (failing != null && key.contains(failing) && key.contains("_intraday/")) {
          throw new IllegalStateException("injected upload failure: " + key);
        }
        real.putFile(bucket, key, file);
        puts.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } finally {
        putsInFlight.decrementAndGet();
        inFlightByDate.get(date).decrementAndGet();
      }
    }

    @Override
    public void list(String bucket, String prefix, Consumer<StoredObject> sink) {
      real.list(bucket, prefix, sink);
    }

    @Override
    public InputStream open(String bucket, String key) throws IOException {
      return real.open(bucket, key);
    }

    @Override
    public void put(String bucket, String key, byte[] content) {
      real.put(bucket, key, content);
    }

    @Override
    public void download(String bucket, String key, Path target) throws IOException {
      real.download(bucket, key, target);
    }

    @Override
    public void copy(String sourceBucket, String sourceKey, String targetBucket, String target) {
      real.copy(sourceBucket, sourceKey, targetBucket, target);
    }

    @Override
    public boolean exists(String bucket, String key) {
      return real.exists(bucket, key);
    }

    @Override
    public void delete(String bucket, String key) {
      real.delete(bucket, key);
    }

    @Override
    public void ensureBucket(String bucket) {
      real.ensureBucket(bucket);
    }
  }
}
