package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.warehouse.WarehouseDialect;
import java.util.List;
import java.util.stream.Collectors;

/** Small builders for the lakehouse's set-based SQL, the same text on Redshift and PostgreSQL. */
public final class Sql {
  private Sql() {}

  /** "a.x = b.x AND a.y = b.y" over {@code columns}, reserved names quoted. */
  public static String same(String left, String right, List<String> columns) {
    return columns.stream()
        .map(WarehouseDialect::quote)
        .map(c -> left + "." + c + " = " + right + "." + c)
        .collect(Collectors.joining(" AND "));
  }

  /**
   * "left's position comes before right's": a lexicographic comparison over {@code columns}, for
   * Kafka (partition, offset) and for CSV lines (object_key, etag, line).
   */
  public static String before(String left, String right, List<String> columns) {
    StringBuilder sql = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        sql.append(" OR ");
      }
      sql.append("(");
      for (int j = 0; j < i; j++) {
        String c = WarehouseDialect.quote(columns.get(j));
        sql.append(left).append('.').append(c).append(" = ").append(right).append('.').append(c);
        sql.append(" AND ");
      }
      String c = WarehouseDialect.quote(columns.get(i));
      sql.append(left).append('.').append(c).append(" < ").append(right).append('.').append(c);
      sql.append(")");
    }
    return sql.append(")").toString();
  }

  /**
   * "DELETE FROM table USING keys k WHERE table.x = k.x ..." (no alias on the target: Redshift).
   */
  public static String deleteUsing(String table, String keys, List<String> columns) {
    return "DELETE FROM " + table + " USING " + keys + " k WHERE " + same(table, "k", columns);
  }

  /** A temporary table of keys, replaced if this session made one before. */
  public static List<String> tempTable(String name, String select) {
    return List.of("DROP TABLE IF EXISTS " + name, "CREATE TEMP TABLE " + name + " AS " + select);
  }
}
