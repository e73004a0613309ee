package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.cli.IngestOptions;
import io.fitbitpipeline.core.cli.LakehouseStepApp;
import java.util.List;

/** The ingest step of one topic in a process of its own, for tests that kill it. */
public final class IngestProcess {
  private IngestProcess() {}

  /** Arguments: topic source id (bpm, workout, user_info), run id. */
  public static void main(String[] args) {
    System.exit(
        LakehouseStepApp.fromSystem().ingest(new IngestOptions(List.of(args[0]), false, args[1])));
  }
}
