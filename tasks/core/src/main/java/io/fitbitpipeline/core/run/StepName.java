package io.fitbitpipeline.core.run;

/** The four steps of a run, in order. */
public enum StepName {
  EXTRACT,
  TRANSFORM,
  LOAD,
  PROMOTE;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The step column of fitbit_ops.pipeline_runs: "extract" for the whole run, "extract 2/3" for a
   * shard, so the shards of one run and activity keep a row each.
   */
  public String id(Shard shard) {
    return shard.isWhole() ? id() : id() + " " + shard;
  }
}
