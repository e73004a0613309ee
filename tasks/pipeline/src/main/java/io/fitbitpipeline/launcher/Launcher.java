package io.fitbitpipeline.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** ./pipeline: runs a step, a whole window, or the local servers, on embedded defaults. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Fitbit intraday data platform: the weekly batch pipeline (raw JSON in S3 -> Parquet lake ->",
      "warehouse) and the workout lakehouse (stream: Kafka -> bronze -> silver -> gold)."
    },
    subcommands = {
      RunCommand.class,
      LocalStepCommand.Extract.class,
      LocalStepCommand.Transform.class,
      LocalStepCommand.Load.class,
      LocalStepCommand.Promote.class,
      ServeCommand.class,
      SeedCommand.class,
      QueryCommand.class,
      StreamCommand.class
    })
public final class Launcher implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Launcher()).execute(args));
  }
}
