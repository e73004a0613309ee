package io.fitbitpipeline.silver;

import io.fitbitpipeline.core.cli.LakehouseStepApp;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The lakehouse's silver stage as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "silver",
    mixinStandardHelpOptions = true,
    description =
        "Conforms the new bronze records into the silver tables (incremental, order-independent); invalid records go to silver.rejected_records.")
public class SilverCommand implements Callable<Integer> {
  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "ties the stages of one run together")
  String runId;

  @Override
  public Integer call() {
    return LakehouseStepApp.fromSystem().silver(runId);
  }
}
