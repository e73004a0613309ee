package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.ExitCodes;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a whole window: every activity's extract, transform and load in parallel, then promote.",
      "Without --input it first uploads a deterministic sample week (default window 2026-W47);",
      "with --input DIR ({user_id}/{yyyy-MM-dd}/{activity}.json) it uploads that folder",
      "(default window: the previous ISO week)."
    })
final class RunCommand implements Callable<Integer> {
  /** The sample's default week: fixed, so the default run is the same everywhere. */
  static final String SAMPLE_WEEK = "2026-W47";

  @Mixin StepOptions options;

  @Option(names = "--input", paramLabel = "DIR", description = "raw files to upload first")
  Path input;

  @Option(
      names = "--threads",
      description = "activities processed at once (default: ${DEFAULT-VALUE})")
  int threads = 3;

  @Override
  public Integer call() {
    // Every failure becomes one "ERROR: reason" line and the contract's exit code (3: the
    // warehouse or S3 cannot be reached), never a stack trace.
    return new ExitCodes(System.err).run(this::runWindow);
  }

  /**
   * The default run id: the start time to the millisecond and a random suffix, so two runs started
   * at the same moment never share one.
   */
  static RunId defaultRunId(Clock clock) {
    return new RunId(
        "local-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")
                .format(clock.instant().atOffset(ZoneOffset.UTC))
            + "-"
            + HexFormat.of().toHexDigits((short) RANDOM.nextInt()));
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private void runWindow() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    Window window =
        options.hasWindow()
            ? options.window()
            : input == null
                ? Window.isoWeek(SAMPLE_WEEK)
                : Window.weekOf(LocalDate.now(context.clock()).minusWeeks(1));
    RunId run = options.runIdGiven() ? options.runId() : defaultRunId(context.clock());
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out)) {
      RawUploader uploader =
          new RawUploader(
              environment.store(),
              environment.config().rawBucket(),
              environment.config().rawPrefix());
      int uploaded =
          input == null ? uploader.upload(SampleWeek.generate(window)) : uploader.upload(input);
      System.out.printf(
          "uploaded %d raw files (%s) to s3://%s/%s; window %s, run %s%n",
          uploaded,
          input == null ? "sample week" : input.toString(),
          environment.config().rawBucket(),
          environment.config().rawPrefix(),
          window,
          run);
      new WindowRunner(context.pipeline(environment), System.out, threads)
          .run(options.activitiesOrAll(), window, run);
      System.out.println();
      System.out.println("Query the warehouse (schemas fitbit, fitbit_ops):");
      if (environment.embeddedWarehouse()) {
        System.out.println(
            "  ./pipeline query \"SELECT user_id, date, value FROM fitbit.steps_daily ORDER BY 1, 2 LIMIT 10\"");
        System.out.println(
            "  ./pipeline query \"SELECT source_key, reason FROM fitbit_ops.file_ledger WHERE status = 'quarantined'\"");
        System.out.println(
            "  or ./pipeline serve --env-file .pipeline-local/env, then psql with the URL it writes");
      } else {
        System.out.println("  connect to " + environment.config().jdbcUrl());
      }
    }
  }
}
