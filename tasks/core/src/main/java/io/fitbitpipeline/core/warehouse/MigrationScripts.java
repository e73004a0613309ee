package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the warehouse contract as versioned migration SQL from the table definitions. The
 * rendered files are committed under db/migration/{dialect}/ and a test keeps them equal to this
 * output, so the DDL is reviewable as SQL and still has one source.
 */
public final class MigrationScripts {
  /** The versions in order; a schema change adds one (and its rendering) here. */
  public static final List<String> VERSIONS =
      List.of("V1__warehouse_contract", "V2__workout_lakehouse", "V3__data_yield");

  private MigrationScripts() {}

  public static String render(WarehouseDialect dialect, String version) {
    List<String> statements =
        switch (version) {
          case "V1__warehouse_contract" -> batchPipeline(dialect);
          case "V2__workout_lakehouse" -> workoutLakehouse(dialect);
          case "V3__data_yield" ->
              List.of(dialect.createTable(Tables.DATA_YIELD, WarehouseTable.PRODUCTION, true));
          default -> throw new IllegalArgumentException("unknown migration " + version);
        };
    String source =
        version.startsWith("V2")
            ? "io.fitbitpipeline.core.lakehouse.LakehouseTables"
            : "io.fitbitpipeline.core.warehouse.Tables";
    return "-- Generated from "
        + source
        + " by MigrationScripts ("
        + dialect.id()
        + ").\n-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest"
        + " -Dmigrations.write=true\n\n"
        + String.join(";\n\n", statements)
        + ";\n";
  }

  /** V2: the workout lakehouse's bronze, silver and gold schemas. */
  private static List<String> workoutLakehouse(WarehouseDialect dialect) {
    List<String> statements = new ArrayList<>();
    for (String schema :
        List.of(LakehouseTables.BRONZE, LakehouseTables.SILVER, LakehouseTables.GOLD)) {
      statements.add("CREATE SCHEMA IF NOT EXISTS " + schema);
    }
    for (WarehouseTable table : LakehouseTables.BRONZE_TABLES) {
      statements.add(dialect.createTable(table, LakehouseTables.BRONZE, true));
    }
    for (WarehouseTable table : LakehouseTables.SILVER_TABLES) {
      statements.add(dialect.createTable(table, LakehouseTables.SILVER, true));
    }
    for (WarehouseTable events : LakehouseTables.EVENTS) {
      statements.add(
          dialect.createTable(LakehouseTables.batchOf(events), LakehouseTables.SILVER, false));
    }
    for (WarehouseTable table : LakehouseTables.GOLD_TABLES) {
      statements.add(dialect.createTable(table, LakehouseTables.GOLD, true));
    }
    return statements;
  }

  /** V1: the batch pipeline's production, staging and ops tables. */
  private static List<String> batchPipeline(WarehouseDialect dialect) {
    List<String> statements = new ArrayList<>();
    statements.add("CREATE SCHEMA IF NOT EXISTS " + WarehouseTable.PRODUCTION);
    statements.add("CREATE SCHEMA IF NOT EXISTS " + WarehouseTable.STAGING);
    statements.add("CREATE SCHEMA IF NOT EXISTS " + WarehouseTable.OPS);
    for (WarehouseTable table : Tables.activityTables()) {
      statements.add(dialect.createTable(table, WarehouseTable.PRODUCTION, true));
      statements.add(dialect.createTable(table, WarehouseTable.STAGING, false));
    }
    statements.add(dialect.createTable(Tables.FILE_LEDGER, WarehouseTable.OPS, true));
    statements.add(dialect.createTable(Tables.FILE_LEDGER, WarehouseTable.STAGING, false));
    statements.add(dialect.createTable(Tables.REJECTED_POINTS, WarehouseTable.OPS, false));
    statements.add(dialect.createTable(Tables.REJECTED_POINTS, WarehouseTable.STAGING, false));
    statements.add(dialect.createTable(Tables.PIPELINE_RUNS, WarehouseTable.OPS, true));
    statements.addAll(dialect.supportingStatements());
    return statements;
  }
}
