package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.ExitCodes;
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
      ReportCommand.class,
      YieldCommand.class,
      StreamCommand.class
    })
public final class Launcher implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with the steps' failure handling: whatever a command throws ends as one line
   * "ERROR: reason" on stderr and the contract's exit code (3 for an unreachable warehouse or S3),
   * never as a stack trace.
   */
  static CommandLine commandLine() {
    return new CommandLine(new Launcher())
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) ->
                new ExitCodes(System.err)
                    .run(
                        () -> {
                          throw e;
                        }));
  }
}
