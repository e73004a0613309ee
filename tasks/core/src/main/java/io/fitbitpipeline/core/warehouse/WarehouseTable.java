package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.activity.Activity;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table of the warehouse contract. Activity tables exist in the production schema and, with the
 * same shape, in the staging schema.
 *
 * @param activity the activity whose data it holds, or null for the ops tables
 * @param dayColumn the column that places a row in a user-day: "ts" (intraday) or "date"
 */
public record WarehouseTable(
    String name, Activity activity, List<Column> columns, List<String> key, String dayColumn) {

  public static final String PRODUCTION = "fitbit";
  public static final String STAGING = "fitbit_staging";
  public static final String OPS = "fitbit_ops";

  public String production() {
    return PRODUCTION + "." + name;
  }

  public String staging() {
    return STAGING + "." + name;
  }

  public String columnList() {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /** The column list for SQL, reserved words quoted. */
  public String quotedColumnList() {
    return columns.stream()
        .map(c -> WarehouseDialect.quote(c.name()))
        .collect(Collectors.joining(", "));
  }

  /** SQL that turns the day column into the user-day's date. */
  public String dayExpression(String alias) {
    return "ts".equals(dayColumn) ? "CAST(" + alias + ".ts AS DATE)" : alias + "." + dayColumn;
  }
}
