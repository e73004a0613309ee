package io.fitbitpipeline.core.lake;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;

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
    return extractManifest(run, activity, Shard.WHOLE);
  }

  /** A shard's manifests sit in a folder of their own: manifests/{run}/{activity}/shard-i-of-n/. */
  public String extractManifest(RunId run, Activity activity, Shard shard) {
    return manifestFolder(run, activity, shard) + "extract.json";
  }

  public String transformManifest(RunId run, Activity activity) {
    return transformManifest(run, activity, Shard.WHOLE);
  }

  public String transformManifest(RunId run, Activity activity, Shard shard) {
    return manifestFolder(run, activity, shard) + "transform.json";
  }

  /** Redshift COPY manifest naming exactly the run's Parquet files of one table. */
  public String copyManifest(RunId run, Activity activity, String table) {
    return copyManifest(run, activity, Shard.WHOLE, table);
  }

  public String copyManifest(RunId run, Activity activity, Shard shard, String table) {
    return manifestFolder(run, activity, shard) + "copy-" + table + ".json";
  }

  private static String manifestFolder(RunId run, Activity activity, Shard shard) {
    return "manifests/"
        + run.keySafe()
        + "/"
        + activity.id()
        + "/"
        + (shard.isWhole() ? "" : shard.pathSegment() + "/");
  }

  public String stagingFile(String table, LocalDate date, RunId run, Activity activity) {
    return stagingFile(table, date, run, activity, Shard.WHOLE);
  }

  /** A shard's files carry its segment, so shards of one run never overwrite each other. */
  public String stagingFile(
      String table, LocalDate date, RunId run, Activity activity, Shard shard) {
    return "staging/"
        + table
        + "/date="
        + date
        + "/"
        + run.keySafe()
        + "-"
        + activity.id()
        + (shard.isWhole() ? "" : "-" + shard.pathSegment())
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

  /**
   * The quarantine copy's key: {@code quarantine/{activity}/{raw key}}, or, when the raw key is
   * unsafe to repeat, {@code quarantine/{activity}/unsafe-keys/{SHA-256 of the raw key}} (the
   * reason file names the raw key, escaped). Unsafe are keys whose copy could land elsewhere in a
   * file-backed store or a tool that normalises paths (".." or "." segments, empty segments, a
   * backslash, percent-escapes), keys with control characters, and keys too long for S3's 1,024
   * bytes once the prefix and ".reason.txt" are added.
   */
  public String quarantined(Activity activity, String rawKey) {
    String prefix = "quarantine/" + activity.id() + "/";
    return safeToRepeat(rawKey, 1024 - prefix.length() - REASON_SUFFIX.length())
        ? prefix + rawKey
        : prefix + "unsafe-keys/" + sha256(rawKey);
  }

  private static final String REASON_SUFFIX = ".reason.txt";

  static boolean safeToRepeat(String key, int maxBytes) {
    if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c) || c == '\\' || c == '%' || Character.isSurrogate(c)) {
        return false;
      }
    }
    String[] segments = key.split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    // File-backed stores (s3proxy's filesystem store) keep a segment as a file name: 255 bytes.
    return segments[segments.length - 1].getBytes(StandardCharsets.UTF_8).length
        <= 255 - REASON_SUFFIX.length();
  }

  /**
   * A key as it may go into a log line or a reason file: control characters as \\uXXXX, and at most
   * 300 characters, so a hostile key can neither forge log lines nor flood them.
   */
  public static String printable(String key) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < key.length() && out.length() < 300; i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return i < key.length() ? out + "... (" + key.length() + " characters)" : out.toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public String quarantineReason(Activity activity, String rawKey) {
    return quarantined(activity, rawKey) + REASON_SUFFIX;
  }
}
