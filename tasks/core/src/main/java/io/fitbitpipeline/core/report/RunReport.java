package io.fitbitpipeline.core.report;

import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
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
}
