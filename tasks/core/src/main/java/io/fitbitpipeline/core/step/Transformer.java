package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.DayOfData;
import io.fitbitpipeline.core.format.DayValidator;
import io.fitbitpipeline.core.format.InvalidFileException;
import io.fitbitpipeline.core.format.RawDayReader;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.LoadManifest;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 2: streams each file of the extract manifest through the parser and validator into
 * date-partitioned Parquet in the lake's staging area. A file that is not valid for its activity is
 * copied to quarantine with its reason; the rest of the run goes on.
 */
public final class Transformer {
  private final ObjectStore store;
  private final String rawBucket;
  private final LakeLayout lake;
  private final Manifests manifests;
  private final RawDayReader reader;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Path workRoot;
  private final DayRows rows = new DayRows();

  public Transformer(
      ObjectStore store,
      String rawBucket,
      LakeLayout lake,
      Manifests manifests,
      RawDayReader reader,
      PipelineRuns runs,
      EventLog log,
      Path workRoot) {
    this.store = store;
    this.rawBucket = rawBucket;
    this.lake = lake;
    this.manifests = manifests;
    this.reader = reader;
    this.runs = runs;
    this.log = log;
    this.workRoot = workRoot;
  }

  public TransformManifest run(Activity activity, Window window, RunId run)
      throws IOException, SQLException {
    return run(activity, window, run, Shard.WHOLE);
  }

  /** The same for one shard: reads its extract manifest, writes its own files and manifests. */
  public TransformManifest run(Activity activity, Window window, RunId run, Shard shard)
      throws IOException, SQLException {
    String stepId = StepName.TRANSFORM.id(shard);
    Instant started = runs.started(run, activity.id(), stepId, window);
    ExtractManifest input =
        manifests.read(
            lake.extractManifest(run, activity, shard),
            ExtractManifest.class,
            shard.isWhole()
                ? "run extract for this activity and run id first"
                : "run extract --shard " + shard + " for this activity and run id first");
    StepStats stats = new StepStats();
    stats.filesSeen = input.filesSeen();
    stats.filesSkipped = input.filesSkipped();
    // The first raw files are requested before anything else, their latency passing meanwhile.
    RawPrefetch prefetch =
        new RawPrefetch(
            store,
            rawBucket,
            input.files(),
            message -> log.warn("transform", activity, run, message, Map.of()));
    // A finished date is uploaded while the next one is transformed (one date at most); a failed
    // upload fails the step here, before any manifest is written.
    StagingUploads uploads = new StagingUploads(store, lake);
    List<FileResult> results = new ArrayList<>();
    List<StagedFile> staged;
    Path workDir = null;
    DateBatch batch = null;
    try {
      prefetch.start();
      for (ExtractManifest.QuarantinedKey key : input.quarantined()) {
        quarantine(key.key(), key.etag(), activity, run, key.reason());
        results.add(
            FileResult.quarantined(key.key(), key.etag(), key.userId(), key.date(), key.reason()));
      }
      workDir = Files.createTempDirectory(workRoot, "transform-" + activity.id() + "-");
      DayOfData day = new DayOfData();
      int done = 0;
      for (RawFile file : input.files()) {
        if (batch == null || !batch.date().equals(file.date())) {
          if (batch != null) {
            uploads.publish(batch);
          }
          batch = new DateBatch(file.date(), activity, run, shard, workDir);
        }
        results.add(transformFile(file, done, prefetch, activity, run, day, batch, stats));
        done++;
        if (done % 200 == 0) {
          log.info(
              "transform",
              activity,
              run,
              "progress",
              Map.of("files", done + "/" + input.files().size()));
        }
      }
      if (batch != null) {
        uploads.publish(batch);
      }
      staged = uploads.finish();
      // The load manifests at once; the transform manifest after them, last (load and promote
      // trust it).
      writeLoadManifests(activity, run, shard, staged, uploads);
    } finally {
      prefetch.close();
      uploads.close();
      if (batch != null) {
        batch.close();
      }
      if (workDir != null) {
        Files.deleteIfExists(workDir);
      }
    }
    stats.filesQuarantined =
        results.stream().filter(r -> r.status().equals(FileResult.QUARANTINED)).count();
    stats.filesLoaded = results.size() - stats.filesQuarantined;
    Map<String, Long> rowsPerTable = new LinkedHashMap<>();
    for (WarehouseTable table : Tables.of(activity)) {
      rowsPerTable.put(table.name(), 0L);
    }
    rowsPerTable.put(Tables.REJECTED_POINTS.name(), 0L);
    staged.forEach(f -> rowsPerTable.merge(f.table(), f.rows(), Long::sum));
    stats.rowsPerTable.putAll(rowsPerTable);
    TransformManifest manifest =
        new TransformManifest(
            run.value(), activity.id(), List.copyOf(results), List.copyOf(staged), rowsPerTable);
    manifests.write(lake.transformManifest(run, activity, shard), manifest);
    runs.finished(run, activity.id(), stepId, window, started, "succeeded", stats, null);
    log.info(
        "transform",
        activity,
        run,
        "done",
        Map.of(
            "files_loaded", stats.filesLoaded,
            "files_quarantined", stats.filesQuarantined,
            "points_read", stats.pointsRead,
            "rows_written", stats.rowsWritten,
            "points_rejected", stats.pointsRejected,
            "duplicates", stats.duplicates));
    return manifest;
  }

  /** One load manifest per table: exactly the files this run staged for it. */
  private void writeLoadManifests(
      Activity activity, RunId run, Shard shard, List<StagedFile> staged, StagingUploads uploads)
      throws IOException {
    Map<String, List<StagedFile>> byTable = new LinkedHashMap<>();
    staged.forEach(f -> byTable.computeIfAbsent(f.table(), t -> new ArrayList<>()).add(f));
    Map<String, byte[]> contentByKey = new LinkedHashMap<>();
    byTable.forEach(
        (table, files) ->
            contentByKey.put(
                lake.copyManifest(run, activity, shard, table), LoadManifest.render(lake, files)));
    uploads.putAll(contentByKey);
  }

  private FileResult transformFile(
      RawFile file,
      int index,
      RawPrefetch prefetch,
      Activity activity,
      RunId run,
      DayOfData day,
      DateBatch batch,
      StepStats stats)
      throws IOException {
    DayValidator.ValidDay valid;
    try {
      // Files are fetched a few ahead, several at once (RawPrefetch). A transfer that breaks off
      // mid-body is read again from the start (bounded, logged); parse resets the day first, so
      // a retry of a streamed large file starts clean.
      valid = prefetch.read(index, in -> reader.read(in, activity, file.date(), day));
    } catch (InvalidFileException e) {
      quarantine(file.key(), file.etag(), activity, run, e.reason());
      return FileResult.quarantined(
          file.key(), file.etag(), file.userId(), file.date(), e.reason());
    } catch (IOException | software.amazon.awssdk.core.exception.SdkException e) {
      // Not the file's fault, so not quarantined: the step fails (exit 3) and a rerun reads it
      // again. The message names the object, because the run's summary shows only the message.
      throw new IOException(file.key() + ": " + e.getMessage(), e);
    }
    long written = rows.write(file, activity, run, day, valid, batch);
    stats.pointsRead += day.pointsRead();
    stats.rowsWritten += written;
    stats.pointsRejected += day.rejected().size();
    stats.duplicates += day.duplicates();
    if (valid.flags() != null) {
      log.warn("transform", activity, run, file.key() + ": " + valid.flags(), Map.of());
    }
    return new FileResult(
        file.key(),
        file.etag(),
        file.userId(),
        file.date(),
        FileResult.LOADED,
        null,
        written,
        day.pointsRead(),
        day.rejected().size(),
        day.duplicates(),
        valid.flags());
  }

  /**
   * Copies the raw object whole to quarantine with a note of why. Under a key of its own when the
   * raw key is unsafe to repeat (see {@link LakeLayout#quarantined}); the note names the source.
   */
  private void quarantine(String key, String etag, Activity activity, RunId run, String reason) {
    store.copy(rawBucket, key, lake.bucket(), lake.quarantined(activity, key));
    String note =
        "source: s3://"
            + rawBucket
            + "/"
            + LakeLayout.printable(key)
            + "\netag: "
            + etag
            + "\nrun_id: "
            + run.value()
            + "\nreason: "
            + reason
            + "\n";
    store.put(
        lake.bucket(), lake.quarantineReason(activity, key), note.getBytes(StandardCharsets.UTF_8));
    log.warn(
        "transform",
        activity,
        run,
        "quarantined " + LakeLayout.printable(key) + ": " + reason,
        Map.of());
  }
}
