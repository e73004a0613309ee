package io.fitbitpipeline.core.warehouse;

import static io.fitbitpipeline.core.warehouse.Column.optional;
import static io.fitbitpipeline.core.warehouse.Column.required;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.activity.ValueKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The warehouse contract, derived from {@link Activity}: the tables each activity fills. */
public final class Tables {
  public static final WarehouseTable FILE_LEDGER =
      new WarehouseTable(
          "file_ledger",
          null,
          List.of(
              required("source_key", ColumnType.TEXT),
              required("content_hash", ColumnType.TEXT),
              optional("user_id", ColumnType.TEXT),
              optional("date", ColumnType.DATE),
              required("activity", ColumnType.TEXT),
              required("status", ColumnType.TEXT),
              optional("reason", ColumnType.TEXT),
              required("rows_written", ColumnType.BIGINT),
              required("points_read", ColumnType.BIGINT),
              required("points_rejected", ColumnType.BIGINT),
              required("duplicates", ColumnType.BIGINT),
              optional("flags", ColumnType.TEXT),
              required("run_id", ColumnType.TEXT),
              required("processed_at", ColumnType.TIMESTAMPTZ)),
          List.of("source_key"),
          "date");

  public static final WarehouseTable REJECTED_POINTS =
      new WarehouseTable(
          "rejected_points",
          null,
          List.of(
              required("source_key", ColumnType.TEXT),
              required("activity", ColumnType.TEXT),
              required("user_id", ColumnType.TEXT),
              required("date", ColumnType.DATE),
              optional("raw_time", ColumnType.TEXT),
              optional("raw_value", ColumnType.TEXT),
              required("reason", ColumnType.TEXT),
              required("run_id", ColumnType.TEXT)),
          List.of(),
          "date");

  public static final WarehouseTable PIPELINE_RUNS =
      new WarehouseTable(
          "pipeline_runs",
          null,
          List.of(
              required("run_id", ColumnType.TEXT),
              required("activity", ColumnType.TEXT),
              required("step", ColumnType.TEXT),
              required("window_start", ColumnType.DATE),
              required("window_end", ColumnType.DATE),
              required("status", ColumnType.TEXT),
              required("started_at", ColumnType.TIMESTAMPTZ),
              optional("ended_at", ColumnType.TIMESTAMPTZ),
              required("files_seen", ColumnType.BIGINT),
              required("files_loaded", ColumnType.BIGINT),
              required("files_skipped", ColumnType.BIGINT),
              required("files_quarantined", ColumnType.BIGINT),
              required("points_read", ColumnType.BIGINT),
              required("rows_written", ColumnType.BIGINT),
              required("points_rejected", ColumnType.BIGINT),
              required("duplicates", ColumnType.BIGINT),
              optional("rows_per_table", ColumnType.TEXT),
              optional("message", ColumnType.TEXT)),
          List.of("run_id", "activity", "step"),
          "window_start");

  /**
   * fitbit.data_yield: one row per user-day that has production data, recomputed by promote in the
   * data's transaction (see {@code io.fitbitpipeline.core.step.DataYield}).
   */
  public static final WarehouseTable DATA_YIELD =
      new WarehouseTable(
          "data_yield",
          null,
          List.of(
              required("user_id", ColumnType.TEXT),
              required("date", ColumnType.DATE),
              required("heart_rate_minutes", ColumnType.INTEGER),
              required("valid_hours", ColumnType.INTEGER),
              required("valid_day", ColumnType.BOOLEAN),
              optional("steps", ColumnType.BIGINT),
              optional("flags", ColumnType.TEXT)),
          List.of("user_id", "date"),
          "date");

  private Tables() {}

  /** The intraday table: one row per point. */
  public static WarehouseTable intraday(Activity activity) {
    List<Column> columns = new ArrayList<>();
    columns.add(required("user_id", ColumnType.TEXT));
    columns.add(required("ts", ColumnType.TIMESTAMP));
    columns.add(required("value", valueType(activity.intradayKind())));
    if (activity.hasLevelAndMets()) {
      columns.add(optional("level", ColumnType.SMALLINT));
      columns.add(optional("mets", ColumnType.DOUBLE));
    }
    return new WarehouseTable(
        activity.id() + "_intraday",
        activity,
        List.copyOf(columns),
        List.of("user_id", "ts"),
        "ts");
  }

  /** The day-level tables: the summary value, or for heart rate the resting rate and zones. */
  public static List<WarehouseTable> daily(Activity activity) {
    if (activity.hasHeartRateZones()) {
      return List.of(
          new WarehouseTable(
              activity.id() + "_daily",
              activity,
              List.of(
                  required("user_id", ColumnType.TEXT),
                  required("date", ColumnType.DATE),
                  optional("resting_heart_rate", ColumnType.INTEGER)),
              List.of("user_id", "date"),
              "date"),
          new WarehouseTable(
              activity.id() + "_zones",
              activity,
              List.of(
                  required("user_id", ColumnType.TEXT),
                  required("date", ColumnType.DATE),
                  required("zone_name", ColumnType.TEXT),
                  optional("min_bpm", ColumnType.INTEGER),
                  optional("max_bpm", ColumnType.INTEGER),
                  optional("minutes", ColumnType.INTEGER),
                  optional("calories_out", ColumnType.DOUBLE)),
              List.of("user_id", "date", "zone_name"),
              "date"));
    }
    return List.of(
        new WarehouseTable(
            activity.id() + "_daily",
            activity,
            List.of(
                required("user_id", ColumnType.TEXT),
                required("date", ColumnType.DATE),
                required("value", valueType(activity.dailyKind()))),
            List.of("user_id", "date"),
            "date"));
  }

  /** Every table an activity fills, intraday first. */
  public static List<WarehouseTable> of(Activity activity) {
    List<WarehouseTable> tables = new ArrayList<>();
    tables.add(intraday(activity));
    tables.addAll(daily(activity));
    return List.copyOf(tables);
  }

  public static List<WarehouseTable> activityTables() {
    return Arrays.stream(Activity.values()).flatMap(a -> of(a).stream()).toList();
  }

  public static WarehouseTable byName(String name) {
    return activityTables().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseGet(
            () ->
                List.of(FILE_LEDGER, REJECTED_POINTS, PIPELINE_RUNS).stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no table " + name)));
  }

  private static ColumnType valueType(ValueKind kind) {
    return kind == ValueKind.INTEGER ? ColumnType.INTEGER : ColumnType.DOUBLE;
  }
}
