package io.fitbitpipeline.core.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step did, as written to fitbit_ops.pipeline_runs. The identities the contract promises:
 * files seen = loaded + skipped + quarantined, and points read = rows written + rejected +
 * duplicates (rows written counts intraday rows; day-level rows are in rowsPerTable).
 */
public final class StepStats {
  public long filesSeen;
  public long filesLoaded;
  public long filesSkipped;
  public long filesQuarantined;
  public long pointsRead;
  public long rowsWritten;
  public long pointsRejected;
  public long duplicates;
  public final Map<String, Long> rowsPerTable = new LinkedHashMap<>();

  public void addRows(String table, long rows) {
    rowsPerTable.merge(table, rows, Long::sum);
  }
}
