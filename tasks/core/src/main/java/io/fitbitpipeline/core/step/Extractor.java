package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.RawLayout;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.Ledger;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Step 1: finds the raw objects of one activity in the window that production does not hold with
 * the same content, and writes them to the run's manifest.
 */
public final class Extractor {
  private final ObjectStore store;
  private final String rawBucket;
  private final RawLayout raw;
  private final LakeLayout lake;
  private final Ledger ledger;
  private final Manifests manifests;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Set<String> users;

  public Extractor(
      ObjectStore store,
      String rawBucket,
      RawLayout raw,
      LakeLayout lake,
      Ledger ledger,
      Manifests manifests,
      PipelineRuns runs,
      EventLog log,
      Set<String> users) {
    this.store = store;
    this.rawBucket = rawBucket;
    this.raw = raw;
    this.lake = lake;
    this.ledger = ledger;
    this.manifests = manifests;
    this.runs = runs;
    this.log = log;
    this.users = users;
  }

  public ExtractManifest run(Activity activity, Window window, RunId run, boolean dryRun)
      throws SQLException {
    Instant started = dryRun ? null : runs.started(run, activity, StepName.EXTRACT, window);
    Map<String, String> known = ledger.processed(activity);
    List<RawFile> files = new ArrayList<>();
    List<ExtractManifest.QuarantinedKey> quarantined = new ArrayList<>();
    long[] seenSkippedIgnored = new long[3];
    store.list(
        rawBucket,
        raw.listPrefix(),
        object -> {
          RawLayout.Parsed parsed = raw.parse(object);
          if (parsed instanceof RawLayout.Fits fits) {
            RawFile file = fits.file();
            if (file.activity() != activity
                || !window.contains(file.date())
                || (!users.isEmpty() && !users.contains(file.userId()))) {
              return;
            }
            seenSkippedIgnored[0]++;
            if (Objects.equals(known.get(file.key()), file.etag())) {
              seenSkippedIgnored[1]++;
            } else {
              files.add(file);
            }
          } else if (parsed instanceof RawLayout.Misfit misfit) {
            if (misfit.activity() != activity
                || (misfit.date() != null && !window.contains(misfit.date()))) {
              return;
            }
            seenSkippedIgnored[0]++;
            if (Objects.equals(known.get(object.key()), object.etag())) {
              seenSkippedIgnored[1]++;
            } else {
              quarantined.add(
                  new ExtractManifest.QuarantinedKey(
                      object.key(), object.etag(), null, misfit.date(), misfit.reason()));
            }
          } else {
            seenSkippedIgnored[2]++;
          }
        });
    // By date, so transform finishes one date partition before it opens the next.
    files.sort(Comparator.comparing(RawFile::date).thenComparing(RawFile::userId));
    ExtractManifest manifest =
        new ExtractManifest(
            run.value(),
            activity.id(),
            window.from(),
            window.to(),
            List.copyOf(files),
            List.copyOf(quarantined),
            seenSkippedIgnored[0],
            seenSkippedIgnored[1]);
    StepStats stats = new StepStats();
    stats.filesSeen = manifest.filesSeen();
    stats.filesSkipped = manifest.filesSkipped();
    stats.filesQuarantined = quarantined.size();
    log.info(
        "extract",
        activity,
        run,
        dryRun ? "dry run: nothing written" : "manifest written",
        Map.of(
            "window",
            window.toString(),
            "files_seen",
            stats.filesSeen,
            "to_transform",
            files.size(),
            "skipped_unchanged",
            stats.filesSkipped,
            "bad_keys",
            quarantined.size(),
            "other_objects_ignored",
            seenSkippedIgnored[2]));
    for (ExtractManifest.QuarantinedKey key : quarantined) {
      log.warn(
          "extract", activity, run, "quarantined " + key.key() + ": " + key.reason(), Map.of());
    }
    if (!dryRun) {
      manifests.write(lake.extractManifest(run, activity), manifest);
      runs.finished(run, activity, StepName.EXTRACT, window, started, "succeeded", stats, null);
    }
    return manifest;
  }
}
