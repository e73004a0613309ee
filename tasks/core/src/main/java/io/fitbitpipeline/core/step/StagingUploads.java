package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.lake.Transfers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a finished date's Parquet files while the transform goes on with the next date, so the
 * latency of those PUTs is not paid one after the other between dates. Bounded: at most one date in
 * flight (publishing the next date waits for the previous one first), its files uploaded at once
 * (one request per table, at most {@link #PUTS_AT_ONCE}), read from local disk, never held in
 * memory. A failed upload is thrown by the next {@link #publish} or by {@link #finish}, so the step
 * fails before it writes a manifest: load and promote trust the transform manifest, and it only
 * ever lists files that are in the lake.
 */
final class StagingUploads implements AutoCloseable {
  static final int PUTS_AT_ONCE = 4;

  private final ObjectStore store;
  private final LakeLayout lake;
  private final ExecutorService pool;
  private final List<StagedFile> staged = new ArrayList<>();
  private final List<Future<StagedFile>> inFlight = new ArrayList<>();
  private final List<Path> inFlightFiles = new ArrayList<>();

  StagingUploads(ObjectStore store, LakeLayout lake) {
    this.store = store;
    this.lake = lake;
    this.pool = Transfers.pool("staging-upload", PUTS_AT_ONCE);
  }

  /**
   * Waits for the previous date's uploads (throwing their failure), closes {@code batch}'s writers
   * in this thread (their buffers are freed before the next date opens its own) and starts
   * uploading its files.
   */
  void publish(DateBatch batch) throws IOException {
    awaitInFlight();
    for (DateBatch.ClosedFile file : batch.closeWriters(lake)) {
      inFlightFiles.add(file.path());
      inFlight.add(
          pool.submit(
              () -> {
                store.putFile(lake.bucket(), file.staged().key(), file.path());
                Files.deleteIfExists(file.path());
                return file.staged();
              }));
    }
  }

  /** Waits for the last date's uploads; every staged file, by date and then table. */
  List<StagedFile> finish() throws IOException {
    awaitInFlight();
    return List.copyOf(staged);
  }

  /** PUTs small objects (the load manifests) at once and waits for all of them. */
  void putAll(Map<String, byte[]> contentByKey) throws IOException {
    List<Future<?>> puts = new ArrayList<>();
    contentByKey.forEach(
        (key, content) -> puts.add(pool.submit(() -> store.put(lake.bucket(), key, content))));
    for (Future<?> put : puts) {
      get(put);
    }
  }

  private void awaitInFlight() throws IOException {
    // On a failure the files stay listed: close() deletes them once the other uploads stopped.
    for (Future<StagedFile> upload : inFlight) {
      staged.add(get(upload));
    }
    inFlight.clear();
    inFlightFiles.clear();
  }

  private static <T> T get(Future<T> upload) throws IOException {
    return Transfers.await(upload, "uploading to the lake");
  }

  /**
   * Stops uploads still running (after a failure elsewhere), waits a while for them to end and
   * deletes their local files. Throws nothing of its own, so the step's failure stays the one
   * shown.
   */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Path file : inFlightFiles) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A temporary file of a failed step; the step's own failure is the one to report.
      }
    }
  }
}
