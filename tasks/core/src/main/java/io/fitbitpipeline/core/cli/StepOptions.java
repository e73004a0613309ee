package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.run.Window;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The command-line contract every step shares (a picocli mixin): the activity, the window and the
 * run id. The step apps and the launcher both mix it in, so the contract is written once.
 */
public final class StepOptions {
  @Option(
      names = "--activity",
      paramLabel = "A",
      description =
          "heart_rate, calories, steps, distance, floors or elevation (promote: repeatable, default all)")
  List<String> activities = List.of();

  @Option(
      names = "--week",
      paramLabel = "YYYY-Www",
      description = "ISO week, Monday to Sunday, e.g. 2026-W47")
  String week;

  @Option(names = "--from", paramLabel = "DATE", description = "first day (yyyy-MM-dd), with --to")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "last day, included (yyyy-MM-dd)")
  String to;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "ties the steps of one run together (default: derived from the window)")
  String runId;

  @Option(
      names = "--shard",
      paramLabel = "i/n",
      description =
          "extract, transform: only the users of shard i of n (CRC-32 of user_id mod n), e.g. 2/3;"
              + " default: every user")
  String shard;

  @Option(
      names = "--shards",
      paramLabel = "N",
      description =
          "load, promote: the run was extracted and transformed in N shards; every one must be"
              + " there (default 1: unsharded)")
  Integer shards;

  public StepOptions() {}

  public StepOptions(List<String> activities, String week, String from, String to, String runId) {
    this.activities = activities;
    this.week = week;
    this.from = from;
    this.to = to;
    this.runId = runId;
  }

  /** The shard of extract or transform; the whole run without --shard. */
  public Shard shard() {
    return shard == null ? Shard.WHOLE : Shard.parse(shard);
  }

  /** How many shards load and promote gather; 1 without --shards. */
  public int shards() {
    if (shards == null) {
      return 1;
    }
    if (shards < 1 || shards > Shard.MAX_COUNT) {
      throw new IllegalArgumentException(
          "--shards must be between 1 and " + Shard.MAX_COUNT + ", got " + shards);
    }
    return shards;
  }

  /** Whether --shard (a part of a run) was given. */
  public boolean shardGiven() {
    return shard != null;
  }

  /** Whether --shards (the whole of a sharded run) was given. */
  public boolean shardsGiven() {
    return shards != null;
  }

  /** Whether the command line names a window at all. */
  public boolean hasWindow() {
    return week != null || from != null || to != null;
  }

  public Window window() {
    if (week != null && (from != null || to != null)) {
      throw new IllegalArgumentException("give either --week or --from/--to, not both");
    }
    if (week != null) {
      return Window.isoWeek(week);
    }
    if (from == null || to == null) {
      throw new IllegalArgumentException("give the window: --week 2026-W47, or --from D --to D");
    }
    return Window.dates(from, to);
  }

  /** The run id; without --run-id one derived from the window, so separate step calls agree. */
  public RunId runId() {
    if (runId != null) {
      return new RunId(runId);
    }
    Window window = window();
    return new RunId("manual-" + window.from() + "_" + window.to());
  }

  public boolean runIdGiven() {
    return runId != null;
  }

  /** Exactly one activity: extract, transform and load work on one. */
  public Activity activity() {
    if (activities.size() != 1) {
      throw new IllegalArgumentException("give exactly one --activity");
    }
    return Activity.parse(activities.get(0));
  }

  /** The activities named, or all six. */
  public List<Activity> activitiesOrAll() {
    return activities.isEmpty()
        ? Arrays.asList(Activity.values())
        : activities.stream().map(Activity::parse).distinct().toList();
  }
}
