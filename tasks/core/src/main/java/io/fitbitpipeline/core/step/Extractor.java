package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.RawLayout;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.Ledger;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Step 1: finds the raw objects of one activity in the window that production does not hold with
 * the same content, and writes them to the run's manifest.
 */
public final class Extractor {
  /**
   * In the extract row's rows_per_table: new or changed files dated in the lookback weeks before
   * the window (also counted in files_seen).
   */
  public static final String LATE_FILES = "late_files";

  /**
   * In the extract row's rows_per_table: objects in the window's date folders that name no activity
   * (another Fitbit resource, a misspelt name); never loaded. The row's message names a few.
   */
  public static final String UNRECOGNISED_FILES = "unrecognised_files";

  private final ObjectStore store;
  private final String rawBucket;
  private final RawLayout raw;
  private final LakeLayout lake;
  private final Ledger ledger;
  private final Manifests manifests;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Set<String> users;
  private final int lookbackWeeks;
  private final long maxFileBytes;

  public Extractor(
      ObjectStore store,
      String rawBucket,
      RawLayout raw,
      LakeLayout lake,
      Ledger ledger,
      Manifests manifests,
      PipelineRuns runs,
      EventLog log,
      Set<String> users,
      int lookbackWeeks,
      long maxFileBytes) {
    this.store = store;
    this.rawBucket = rawBucket;
    this.raw = raw;
    this.lake = lake;
    this.ledger = ledger;
    this.manifests = manifests;
    this.runs = runs;
    this.log = log;
    this.users = users;
    this.lookbackWeeks = lookbackWeeks;
    this.maxFileBytes = maxFileBytes;
  }

  public ExtractManifest run(Activity activity, Window window, RunId run, boolean dryRun)
      throws SQLException {
    return run(activity, window, run, Shard.WHOLE, dryRun);
  }

  /**
   * The same for the users of one shard: their files only, into the shard's manifest. Keys with no
   * readable user (layout misfits) are placed by the key itself, so exactly one shard sees each.
   */
  public ExtractManifest run(
      Activity activity, Window window, RunId run, Shard shard, boolean dryRun)
      throws SQLException {
    String stepId = StepName.EXTRACT.id(shard);
    Instant started = dryRun ? null : runs.started(run, activity.id(), stepId, window);
    Map<String, String> known = ledger.processed(activity);
    Window lookback = lookback(window);
    List<RawFile> files = new ArrayList<>();
    List<ExtractManifest.QuarantinedKey> quarantined = new ArrayList<>();
    // user/date -> the key named by the activity's id, for user-days that also have an alias
    Map<String, String> namedById = new HashMap<>();
    List<String> unrecognised = new ArrayList<>();
    long[] counts = new long[4]; // seen, skipped, not ours anywhere, late
    store.list(
        rawBucket,
        raw.listPrefix(),
        object -> {
          RawLayout.Parsed parsed = raw.parse(object);
          if (parsed instanceof RawLayout.Fits fits) {
            RawFile file = fits.file();
            if (file.activity() != activity
                || !shard.contains(file.userId())
                || (!users.isEmpty() && !users.contains(file.userId()))) {
              return;
            }
            boolean unchanged = Objects.equals(known.get(file.key()), file.etag());
            if (!window.contains(file.date())) {
              // A late file: new or changed in the trailing weeks; unchanged ones are not news.
              if (lookback == null || !lookback.contains(file.date()) || unchanged) {
                return;
              }
              counts[3]++;
            }
            if (RawLayout.namedById(file)) {
              namedById.put(file.userId() + "/" + file.date(), file.key());
            }
            counts[0]++;
            if (unchanged) {
              counts[1]++;
            } else if (file.size() > maxFileBytes) {
              // Never downloaded: the listing's size is enough to refuse it.
              quarantined.add(
                  ExtractManifest.QuarantinedKey.of(
                      file,
                      "file is "
                          + file.size()
                          + " bytes, more than "
                          + InputLimits.bytes(maxFileBytes)
                          + ", the raw file limit"));
            } else {
              files.add(file);
            }
          } else if (parsed instanceof RawLayout.Misfit misfit) {
            if (misfit.activity() != activity || !shard.contains(object.key())) {
              return;
            }
            boolean unchanged = Objects.equals(known.get(object.key()), object.etag());
            if (misfit.date() != null && !window.contains(misfit.date())) {
              if (lookback == null || !lookback.contains(misfit.date()) || unchanged) {
                return;
              }
              counts[3]++;
            }
            counts[0]++;
            if (unchanged) {
              counts[1]++;
            } else {
              quarantined.add(
                  new ExtractManifest.QuarantinedKey(
                      object.key(), object.etag(), null, misfit.date(), misfit.reason()));
            }
          } else if (parsed instanceof RawLayout.NotOurs notOurs) {
            counts[2]++;
            if (notOurs.date() != null
                && window.contains(notOurs.date())
                && shard.contains(notOurs.userId() == null ? object.key() : notOurs.userId())
                && (users.isEmpty() || users.contains(notOurs.userId()))) {
              unrecognised.add(object.key());
            }
          }
        });
    // A user-day with both heart_rate.json and heart.json: the id's file wins, the other one is
    // quarantined (two files of one user-day would stage every point twice).
    for (Iterator<RawFile> it = files.iterator(); it.hasNext(); ) {
      RawFile file = it.next();
      String winner = namedById.get(file.userId() + "/" + file.date());
      if (!RawLayout.namedById(file) && winner != null) {
        it.remove();
        quarantined.add(
            ExtractManifest.QuarantinedKey.of(
                file, "another file holds the same user-day: " + winner));
      }
    }
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
            counts[0],
            counts[1]);
    StepStats stats = new StepStats();
    stats.filesSeen = manifest.filesSeen();
    stats.filesSkipped = manifest.filesSkipped();
    stats.filesQuarantined = quarantined.size();
    // Not tables: the extract row's rows_per_table carries these two counts (README).
    stats.rowsPerTable.put(LATE_FILES, counts[3]);
    stats.rowsPerTable.put(UNRECOGNISED_FILES, (long) unrecognised.size());
    log.info(
        "extract",
        activity,
        run,
        dryRun ? "dry run: nothing written" : "manifest written",
        Map.of(
            "shard",
            shard.toString(),
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
            "late_files",
            counts[3],
            "lookback",
            lookback == null ? "none" : lookback.toString(),
            "unrecognised_in_window",
            unrecognised.size(),
            "other_objects_ignored",
            counts[2]));
    if (!unrecognised.isEmpty()) {
      log.warn("extract", activity, run, unrecognisedNote(unrecognised), Map.of());
    }
    for (ExtractManifest.QuarantinedKey key : quarantined) {
      log.warn(
          "extract",
          activity,
          run,
          "quarantined " + LakeLayout.printable(key.key()) + ": " + key.reason(),
          Map.of());
    }
    if (!dryRun) {
      manifests.write(lake.extractManifest(run, activity, shard), manifest);
      runs.finished(
          run,
          activity.id(),
          stepId,
          window,
          started,
          "succeeded",
          stats,
          unrecognised.isEmpty() ? null : unrecognisedNote(unrecognised));
    }
    return manifest;
  }

  /** The weeks before the window whose new or changed files are late arrivals; null for none. */
  Window lookback(Window window) {
    return lookbackWeeks <= 0
        ? null
        : new Window(window.from().minusWeeks(lookbackWeeks), window.from().minusDays(1));
  }

  private static String unrecognisedNote(List<String> keys) {
    return keys.size()
        + (keys.size() == 1
            ? " file in the window names no activity and was not loaded, e.g. "
            : " files in the window name no activity and were not loaded, e.g. ")
        + String.join(
            ", ",
            keys.subList(0, Math.min(3, keys.size())).stream().map(LakeLayout::printable).toList());
  }
}
