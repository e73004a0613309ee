package io.fitbitpipeline.core.lake;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.RunId;
import java.time.LocalDate;

/**
 * Where things live in the lake bucket (Hive-style partitions, readable by Athena/Spark/DuckDB).
 */
public final class LakeLayout {
  private final String bucket;

  public LakeLayout(String bucket) {
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  public String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  public String extractManifest(RunId run, Activity activity) {
    return "manifests/" + run.keySafe() + "/" + activity.id() + "/extract.json";
  }

  public String transformManifest(RunId run, Activity activity) {
    return "manifests/" + run.keySafe() + "/" + activity.id() + "/transform.json";
  }

  /** Redshift COPY manifest naming exactly the run's Parquet files of one table. */
  public String copyManifest(RunId run, Activity activity, String table) {
    return "manifests/" + run.keySafe() + "/" + activity.id() + "/copy-" + table + ".json";
  }

  public String stagingFile(String table, LocalDate date, RunId run, Activity activity) {
    return "staging/"
        + table
        + "/date="
        + date
        + "/"
        + run.keySafe()
        + "-"
        + activity.id()
        + ".parquet";
  }

  /** A bronze file of the lakehouse: one batch's records of one source and date. */
  public String bronzeFile(String source, LocalDate date, String batchId) {
    return "bronze/" + source + "/date=" + date + "/" + batchId + ".parquet";
  }

  /** The COPY manifest of one lakehouse batch's files of one table. */
  public String lakehouseManifest(String stage, String batchId, String table) {
    return "manifests/" + stage + "/" + batchId + "/" + table + ".json";
  }

  /** The events one silver run conformed, as Parquet (what it loads into silver.batch_*). */
  public String silverBatchFile(RunId run, String table) {
    return "silver/batches/" + run.keySafe() + "/" + table + ".parquet";
  }

  /** The run's report: one self-contained HTML page (./pipeline report --lake). */
  public String report(RunId run) {
    return "reports/" + run.keySafe() + "/index.html";
  }

  public String quarantined(Activity activity, String rawKey) {
    return "quarantine/" + activity.id() + "/" + rawKey;
  }

  public String quarantineReason(Activity activity, String rawKey) {
    return quarantined(activity, rawKey) + ".reason.txt";
  }
}
