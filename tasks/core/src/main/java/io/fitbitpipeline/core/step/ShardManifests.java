package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transform manifests of every shard of one run and activity: load stages them together and
 * promote checks staging against their sum, so both refuse a run where a shard is missing.
 */
final class ShardManifests {
  private final ObjectStore store;
  private final LakeLayout lake;
  private final Manifests manifests;

  ShardManifests(ObjectStore store, LakeLayout lake, Manifests manifests) {
    this.store = store;
    this.lake = lake;
    this.manifests = manifests;
  }

  /** The shards of {@code count} whose transform manifest is not in the lake. */
  List<Shard> missing(RunId run, Activity activity, int count) {
    return Shard.all(count).stream()
        .filter(s -> !store.exists(lake.bucket(), lake.transformManifest(run, activity, s)))
        .toList();
  }

  /** A message that names the run, the activity and every missing shard. */
  String describeMissing(RunId run, Activity activity, int count, List<Shard> missing) {
    return activity.id()
        + " of run "
        + run.value()
        + ": no transform manifest for shard"
        + (missing.size() == 1 ? " " : "s ")
        + String.join(", ", missing.stream().map(Shard::toString).toList())
        + " of "
        + count
        + " (e.g. "
        + lake.uri(lake.transformManifest(run, activity, missing.get(0)))
        + "); run transform --shard "
        + missing.get(0)
        + " for it first";
  }

  /** Every shard's manifest, in shard order; a missing one fails as missing input (exit 4). */
  Map<Shard, TransformManifest> readAll(RunId run, Activity activity, int count, String missingHint)
      throws IOException {
    if (count > 1) {
      List<Shard> missing = missing(run, activity, count);
      if (!missing.isEmpty()) {
        throw new StepFailure(
            describeMissing(run, activity, count, missing), StepFailure.MISSING_INPUT);
      }
    }
    Map<Shard, TransformManifest> all = new LinkedHashMap<>();
    for (Shard shard : Shard.all(count)) {
      all.put(
          shard,
          manifests.read(
              lake.transformManifest(run, activity, shard), TransformManifest.class, missingHint));
    }
    return all;
  }

  /** The shards' manifests as one: results and files side by side, row counts summed. */
  static TransformManifest combined(Activity activity, RunId run, List<TransformManifest> parts) {
    List<FileResult> results = new ArrayList<>();
    List<io.fitbitpipeline.core.lake.StagedFile> files = new ArrayList<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TransformManifest part : parts) {
      results.addAll(part.results());
      files.addAll(part.stagedFiles());
      part.rowsPerTable().forEach((table, n) -> rows.merge(table, n, Long::sum));
    }
    return new TransformManifest(run.value(), activity.id(), results, files, rows);
  }
}
