package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.StepRunner;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.report.RunReport;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.StepFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the run report: one self-contained HTML page (data yield per user and day, the run's",
      "files, rows and rejects, quarantined files, users who need attention) and prints its path.",
      "Default: the latest promoted run; --week: that window's latest run; --run-id: that run."
    })
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--week", paramLabel = "YYYY-Www", description = "ISO week, e.g. 2026-W47")
  String week;

  @Option(names = "--run-id", paramLabel = "ID", description = "the run to report on")
  String runId;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "where to write it (default: <state dir>/reports/<run id>/index.html)")
  Path output;

  @Option(
      names = "--lake",
      description = "also write it to s3://LAKE_BUCKET/reports/<run id>/index.html")
  boolean lake;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.err)) {
      if (week != null && runId != null) {
        throw new IllegalArgumentException("give either --week or --run-id, not both");
      }
      Window window = week == null ? null : Window.isoWeek(week);
      RunReport report =
          RunReport.create(
              context.pipeline(environment).warehouse(),
              runId == null ? null : new RunId(runId),
              window,
              context.clock().instant());
      Path file =
          output != null
              ? output.toAbsolutePath()
              : context.stateDir().resolve("reports").resolve(report.name()).resolve("index.html");
      Files.createDirectories(file.getParent());
      byte[] html = report.html().getBytes(StandardCharsets.UTF_8);
      Files.write(file, html);
      if (lake) {
        LakeLayout layout = new LakeLayout(environment.config().lakeBucket());
        String key = report.publish(environment.store(), layout);
        System.err.println("report written to " + layout.uri(key));
      }
      System.out.println(file);
      return 0;
    } catch (StepFailure e) {
      System.err.println("ERROR: " + e.getMessage());
      return e.exitCode();
    } catch (IllegalArgumentException e) {
      System.err.println("ERROR: " + e.getMessage());
      return StepRunner.BAD_USAGE;
    }
  }
}
