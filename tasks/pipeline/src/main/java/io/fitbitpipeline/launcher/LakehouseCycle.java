package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.lakehouse.Lakehouse;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.gold.GoldResult;
import io.fitbitpipeline.core.lakehouse.silver.SilverResult;
import io.fitbitpipeline.core.run.RunId;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One refresh of the whole lakehouse, as the DAG runs it: every topic and the landing files into
 * bronze, then silver, then gold; then a summary per source and table.
 */
final class LakehouseCycle {
  private final Lakehouse lakehouse;
  private final PrintStream out;

  LakehouseCycle(Lakehouse lakehouse, PrintStream out) {
    this.lakehouse = lakehouse;
    this.out = out;
  }

  /** What one cycle did, for the summary. */
  record Report(
      List<IngestResult> ingested,
      SilverResult silver,
      GoldResult gold,
      Map<String, Long> tableRows,
      double ingestSeconds) {}

  Report run(RunId run) throws SQLException, IOException {
    long start = System.nanoTime();
    List<IngestResult> ingested = new ArrayList<>();
    for (LakehouseSource topic : LakehouseSource.topics()) {
      ingested.add(lakehouse.ingest(topic, List.of(), run));
    }
    ingested.addAll(lakehouse.ingestLanding(run));
    double ingestSeconds = (System.nanoTime() - start) / 1e9;
    SilverResult silver = lakehouse.silver(run);
    GoldResult gold = lakehouse.gold(run);
    return new Report(ingested, silver, gold, tableRows(), ingestSeconds);
  }

  Map<String, Long> tableRows() throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = lakehouse.warehouse().connect();
        Statement s = c.createStatement()) {
      for (String table : LakehouseTables.CONTRACT_TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          rows.put(table, rs.getLong(1));
        }
      }
    }
    return rows;
  }

  void print(Report report) {
    out.printf(
        "%-14s %10s %10s %10s %10s %9s%n",
        "source", "records", "used", "duplicates", "rejected", "seconds");
    for (IngestResult ingest : report.ingested()) {
      SilverResult.SourceCounts counts = report.silver().sources().get(ingest.source());
      out.printf(
          "%-14s %10d %10s %10s %10s %9.2f%n",
          ingest.source(),
          ingest.records(),
          counts == null ? "-" : counts.used(),
          counts == null ? "-" : counts.duplicates(),
          counts == null ? "-" : counts.rejected(),
          ingest.seconds());
    }
    out.printf("%n%-32s %10s%n", "table", "rows");
    report.tableRows().forEach((table, rows) -> out.printf("%-32s %10d%n", table, rows));
    out.printf(
        "%nbronze %.2f s, silver %.2f s, gold %.2f s (%d workouts and %d MAC addresses"
            + " recomputed)%n",
        report.ingestSeconds(),
        report.silver().seconds(),
        report.gold().seconds(),
        report.gold().changedWorkouts(),
        report.gold().changedMacAddresses());
  }
}
