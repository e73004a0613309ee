package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The report step's command line (a picocli mixin): the run id and the window, as the batch steps
 * take them. It is not {@link StepOptions} because a report covers the whole run, so there is no
 * --activity; the run id and the window mean exactly what they mean there (the same code decides).
 */
public final class ReportOptions {
  @Option(
      names = "--week",
      paramLabel = "YYYY-Www",
      description = "ISO week, Monday to Sunday, e.g. 2026-W47")
  String week;

  @Option(names = "--from", paramLabel = "DATE", description = "first day (yyyy-MM-dd), with --to")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "last day, included (yyyy-MM-dd)")
  String to;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "the run to report on (default: the one the batch steps derive from the window)")
  String runId;

  public ReportOptions() {}

  public ReportOptions(String week, String from, String to, String runId) {
    this.week = week;
    this.from = from;
    this.to = to;
    this.runId = runId;
  }

  private StepOptions steps() {
    return new StepOptions(List.of(), week, from, to, runId);
  }

  /** Whether the command line names a window. */
  public boolean hasWindow() {
    return steps().hasWindow();
  }

  /** The window named on the command line. */
  public Window window() {
    return steps().window();
  }

  /** The run: --run-id, or the run id the batch steps derive from the window. */
  public RunId runId() {
    return steps().runId();
  }
}
