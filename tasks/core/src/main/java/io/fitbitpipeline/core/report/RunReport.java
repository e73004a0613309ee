package io.fitbitpipeline.core.report;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.StepFailure;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The run report: reads what it shows from the warehouse and renders the page. The launcher's
 * {@code report} command writes it to a file and, when asked, to the lake.
 *
 * @param data what the page shows
 * @param html the page, self-contained
 */
public record RunReport(ReportData data, String html) {

  /**
   * The report of {@code run}, or else of the latest run of {@code window}, or else (both null) of
   * the latest promoted run.
   */
  public static RunReport create(Warehouse warehouse, RunId run, Window window, Instant now)
      throws SQLException, IOException {
    ReportData data;
    try (Connection c = warehouse.connect()) {
      data = ReportData.read(c, run, window);
    }
    return new RunReport(data, HtmlReport.render(data, now));
  }

  /** A folder name for the report: the run id, or the window when no run is recorded. */
  public String name() {
    return data.run() != null
        ? new RunId(data.run()).keySafe()
        : data.window().from() + "_" + data.window().to();
  }

  /** The page's content type in the lake, so that a browser shows it. */
  public static final String CONTENT_TYPE = "text/html; charset=utf-8";

  /**
   * Writes the page to the lake at {@code reports/{run_id}/index.html} ({@link LakeLayout#report})
   * and returns its key. A report of a window without a recorded run has no place there.
   */
  public String publish(ObjectStore store, LakeLayout layout) {
    if (data.run() == null) {
      throw new StepFailure(
          "no run of " + data.window() + " is recorded: nothing to write to the lake",
          StepFailure.MISSING_INPUT);
    }
    String key = layout.report(new RunId(data.run()));
    store.put(layout.bucket(), key, html.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
    return key;
  }
}
