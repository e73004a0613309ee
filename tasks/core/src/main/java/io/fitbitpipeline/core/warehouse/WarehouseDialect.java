package io.fitbitpipeline.core.warehouse;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What differs between Redshift and its PostgreSQL stand-in: column types and table options, how
 * concurrent migrations are kept apart, and how Parquet in the lake gets into a staging table.
 * Everything else (checks, promote, ledger) is the same SQL on both.
 */
public interface WarehouseDialect {
  /** postgresql or redshift, as in WAREHOUSE_DIALECT and the migration folders. */
  String id();

  /** The column's SQL type; both warehouses share the standard names but for text. */
  default String sqlType(Column column) {
    return switch (column.type()) {
      case TEXT -> "TEXT";
      case SMALLINT -> "SMALLINT";
      case INTEGER -> "INTEGER";
      case BIGINT -> "BIGINT";
      case DOUBLE -> "DOUBLE PRECISION";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMPTZ";
    };
  }

  /**
   * The column names of the contracts that are reserved words in Redshift or PostgreSQL (Kafka's
   * partition and offset, the raw text of a rejected record): always written in double quotes.
   */
  java.util.Set<String> RESERVED = java.util.Set.of("partition", "offset", "raw");

  /** The identifier as SQL: quoted when it is a reserved word, as it is otherwise. */
  static String quote(String name) {
    return RESERVED.contains(name) ? "\"" + name + "\"" : name;
  }

  /**
   * Seconds from {@code from} to {@code to}, two TIMESTAMP expressions, as an exact number with the
   * fractions of a second.
   */
  String secondsBetween(String from, String to);

  /** CREATE TABLE IF NOT EXISTS with the columns and, when asked, the primary key. */
  default String createTableBody(WarehouseTable table, String schema, boolean withKey) {
    String columns =
        table.columns().stream()
            .map(c -> "  " + quote(c.name()) + " " + sqlType(c) + (c.nullable() ? "" : " NOT NULL"))
            .collect(Collectors.joining(",\n"));
    String key =
        withKey && !table.key().isEmpty()
            ? ",\n  PRIMARY KEY ("
                + table.key().stream()
                    .map(WarehouseDialect::quote)
                    .collect(Collectors.joining(", "))
                + ")"
            : "";
    return "CREATE TABLE IF NOT EXISTS "
        + schema
        + "."
        + table.name()
        + " (\n"
        + columns
        + key
        + "\n)";
  }

  /**
   * CREATE TABLE IF NOT EXISTS for {@code table} in {@code schema}.
   *
   * @param withKey false for staging tables: duplicates must reach promote's check, not fail COPY
   */
  String createTable(WarehouseTable table, String schema, boolean withKey);

  /** Extra statements after the tables (indexes where the dialect has them). */
  default List<String> supportingStatements() {
    return List.of();
  }

  /**
   * Called first in the migration transaction, before anything is read or created, so that steps
   * starting at once on an empty warehouse migrate one after the other.
   */
  void lockForMigration(Connection connection) throws SQLException;

  /**
   * Called first in a load's or a promote's transaction: loads and promotes of the same activity
   * (two DAG runs of overlapping windows) take turns until the transaction ends, so a load replaces
   * the activity's staging whole and a promote promotes exactly what it checked.
   */
  void lockStaging(Connection connection, io.fitbitpipeline.core.activity.Activity activity)
      throws SQLException;

  /**
   * Called first in a promote's transaction, before the staging locks: promotes take turns whatever
   * their activities, where the dialect's promote may lock whole production tables (see {@link
   * KeyedInsert}). None by default.
   */
  default void lockPromotes(Connection connection) throws SQLException {}

  /**
   * Empties a staging table inside the caller's transaction (the staging lock of its activity is
   * held). DELETE by default: Redshift's TRUNCATE commits the open transaction, which would break a
   * load's and a promote's all-or-nothing.
   */
  default String clearTable(String table) {
    return "DELETE FROM " + table;
  }

  /**
   * True when production's primary keys are enforced, so that inserting a staged key twice fails
   * and promote need not scan staging for duplicates first. Redshift only declares keys.
   */
  default boolean enforcesPrimaryKeys() {
    return false;
  }

  /** Copies the load's Parquet files into its target table; returns the rows copied. */
  long copyToStaging(Connection connection, StagingLoad load) throws SQLException, IOException;
}
