package io.fitbitpipeline.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.RunLock;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.Extractor;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.core.step.StepFailure;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A whole window in one process: extract, transform and load of each activity in parallel, then one
 * promote, as the Airflow DAG does it. Promote runs only when every activity loaded, so a failed
 * activity never leaves production half-updated.
 */
final class WindowRunner {
  private final Pipeline pipeline;
  private final PrintStream out;
  private final int threads;

  WindowRunner(Pipeline pipeline, PrintStream out, int threads) {
    this.pipeline = pipeline;
    this.out = out;
    this.threads = threads;
  }

  /** Returns the run's statistics report. */
  ObjectNode run(List<Activity> activities, Window window, RunId run) throws Exception {
    pipeline.migrate();
    // One whole-window run at a time, from extract to promote: a second one waits here.
    try (RunLock lock =
        RunLock.acquire(
            pipeline.warehouse(), run, message -> out.println("run " + run + ": " + message))) {
      return runLocked(activities, window, run);
    }
  }

  private ObjectNode runLocked(List<Activity> activities, Window window, RunId run)
      throws Exception {
    Map<Activity, Future<Double>> running = new LinkedHashMap<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(threads, activities.size())));
    try {
      for (Activity activity : activities) {
        running.put(
            activity,
            pool.submit(
                () -> {
                  long start = System.nanoTime();
                  pipeline.extractor().run(activity, window, run, false);
                  pipeline.transformer().run(activity, window, run);
                  pipeline.loader().run(activity, window, run);
                  return (System.nanoTime() - start) / 1e9;
                }));
      }
      Map<Activity, Double> seconds = new LinkedHashMap<>();
      List<String> failures = new ArrayList<>();
      for (Map.Entry<Activity, Future<Double>> entry : running.entrySet()) {
        try {
          seconds.put(entry.getKey(), entry.getValue().get());
        } catch (ExecutionException e) {
          failures.add(entry.getKey() + ": " + e.getCause().getMessage());
        }
      }
      if (!failures.isEmpty()) {
        throw new StepFailure(
            "not promoted, because these activities failed (rerun to retry): "
                + String.join("; ", failures),
            StepFailure.INFRASTRUCTURE);
      }
      long start = System.nanoTime();
      ObjectNode report = pipeline.promoter().run(activities, window, run);
      printSummary(report, seconds, (System.nanoTime() - start) / 1e9);
      return report;
    } finally {
      pool.shutdownNow();
    }
  }

  private void printSummary(
      ObjectNode report, Map<Activity, Double> seconds, double promoteSeconds) {
    out.println();
    out.println(
        "Run " + report.path("run_id").asText() + ", window " + report.path("window").asText());
    String format = "%-11s %6s %7s %8s %12s %5s %11s %10s %9s %6s %7s%n";
    out.printf(
        Locale.ROOT,
        format,
        "activity",
        "files",
        "loaded",
        "skipped",
        "quarantined",
        "late",
        "points",
        "rows",
        "rejected",
        "dups",
        "time");
    for (Map.Entry<Activity, Double> entry : seconds.entrySet()) {
      JsonNode transform = report.path("activities").path(entry.getKey().id()).path("transform");
      JsonNode promote = report.path("activities").path(entry.getKey().id()).path("promote");
      JsonNode extract = report.path("activities").path(entry.getKey().id()).path("extract");
      long rows = 0;
      for (JsonNode n : promote.path("rows_per_table")) {
        rows += n.asLong();
      }
      rows -= promote.path("rows_per_table").path("file_ledger").asLong();
      out.printf(
          Locale.ROOT,
          format,
          entry.getKey().id(),
          transform.path("files_seen").asLong(),
          transform.path("files_loaded").asLong(),
          transform.path("files_skipped").asLong(),
          transform.path("files_quarantined").asLong(),
          extract.path("rows_per_table").path(Extractor.LATE_FILES).asLong(),
          transform.path("points_read").asLong(),
          rows,
          transform.path("points_rejected").asLong(),
          transform.path("duplicates").asLong(),
          String.format(Locale.ROOT, "%.1fs", entry.getValue()));
    }
    out.printf(Locale.ROOT, "promote: %.1fs (one transaction)%n", promoteSeconds);
    if (report.path("late_files").asLong() > 0) {
      out.println(
          "late: new or changed files dated in the lookback weeks before the window (in files"
              + " too)");
    }
    if (report.path("unrecognised_files").asLong() > 0) {
      String note = "";
      for (JsonNode activity : report.path("activities")) {
        note = activity.path("extract").path("message").asText(note);
      }
      out.println(
          "unrecognised: "
              + (note.isEmpty()
                  ? report.path("unrecognised_files").asLong()
                      + " file(s) in the window name no activity and were not loaded"
                  : note));
    }
  }
}
