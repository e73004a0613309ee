package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.StepRunner;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.DataYield;
import io.fitbitpipeline.core.step.Pipeline;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "yield",
    mixinStandardHelpOptions = true,
    description = {
      "Recomputes fitbit.data_yield for every user-day of a window from the production tables",
      "(promote keeps it in step by itself; this is for data promoted before the table existed,",
      "or after a change of YIELD_MIN_VALID_HOURS)."
    })
final class YieldCommand implements Callable<Integer> {
  @Option(names = "--week", paramLabel = "YYYY-Www", description = "ISO week, e.g. 2026-W47")
  String week;

  @Option(names = "--from", paramLabel = "DATE", description = "first day (yyyy-MM-dd), with --to")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "last day, included (yyyy-MM-dd)")
  String to;

  @Override
  public Integer call() throws Exception {
    Window window;
    try {
      window = new StepOptions(List.of(), week, from, to, null).window();
    } catch (IllegalArgumentException e) {
      System.err.println("ERROR: " + e.getMessage());
      return StepRunner.BAD_USAGE;
    }
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.err)) {
      Pipeline pipeline = context.pipeline(environment);
      pipeline.migrate();
      long rows;
      try (Connection c = pipeline.warehouse().connect()) {
        rows = new DataYield(environment.config().minValidHours()).rebuild(c, window);
      }
      System.out.println("fitbit.data_yield: " + rows + " user-days recomputed in " + window);
      return 0;
    }
  }
}
