package io.fitbitpipeline.core.warehouse;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders the warehouse contract as versioned migration SQL from the table definitions. The
 * rendered files are committed under db/migration/{dialect}/ and a test keeps them equal to this
 * output, so the DDL is reviewable as SQL and still has one source.
 */
public final class MigrationScripts {
  /** The versions in order; a schema change adds one (and its rendering) here. */
  public static final List<String> VERSIONS = List.of("V1__warehouse_contract");

  private MigrationScripts() {}

  public static String render(WarehouseDialect dialect, String version) {
    if (!version.equals("V1__warehouse_contract")) {
      throw new IllegalArgumentException("unknown migration " + version);
    }
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
    return "-- Generated from io.fitbitpipeline.core.warehouse.Tables by MigrationScripts ("
        + dialect.id()
        + ").\n-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest"
        + " -Dmigrations.write=true\n\n"
        + String.join(";\n\n", statements)
        + ";\n";
  }
}
