package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The ingest stage's command line (a picocli mixin shared by the step app and the launcher): which
 * topics, which partitions, the landing files, the run id.
 */
public final class IngestOptions {
  @Option(
      names = "--topic",
      paramLabel = "SOURCE",
      description =
          "user_info, workout or bpm (repeatable); default: all three and the landing files")
  List<String> topics = List.of();

  @Option(
      names = "--partition",
      paramLabel = "N",
      description = "only these partitions of the one --topic (repeatable), for large topics")
  List<Integer> partitions = List.of();

  @Option(
      names = "--landing",
      description = "the CSV landing files (registrations, gym_logins); alone: only them")
  boolean landing;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "ties the stages of one run together")
  String runId;

  public IngestOptions() {}

  public IngestOptions(List<String> topics, boolean landing, String runId) {
    this.topics = topics;
    this.landing = landing;
    this.runId = runId;
  }

  /** The topics named, or all three when neither topics nor --landing are given. */
  public List<LakehouseSource> topics() {
    List<LakehouseSource> named = topics.stream().map(LakehouseSource::parse).distinct().toList();
    for (LakehouseSource source : named) {
      if (source.kind() != LakehouseSource.Kind.KAFKA) {
        throw new IllegalArgumentException(
            source + " is a landing source: use --landing, not --topic");
      }
    }
    if (!partitions.isEmpty() && named.size() != 1) {
      throw new IllegalArgumentException("--partition needs exactly one --topic");
    }
    return named.isEmpty() && !landing ? LakehouseSource.topics() : named;
  }

  public List<Integer> partitions() {
    return partitions;
  }

  /** Whether the landing files are ingested: --landing, or no option at all. */
  public boolean landing() {
    return landing || topics.isEmpty();
  }

  public String runId() {
    return runId;
  }
}
