package io.fitbitpipeline.core.lakehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lakehouse.gold.GoldSql;
import io.fitbitpipeline.core.lakehouse.silver.SilverSql;
import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.MigrationScripts;
import io.fitbitpipeline.core.warehouse.PostgresDialect;
import io.fitbitpipeline.core.warehouse.RedshiftDialect;
import io.fitbitpipeline.core.warehouse.WarehouseDialect;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lakehouse's SQL is the same text on Redshift and PostgreSQL, so it must stay inside what both
 * accept; and the V2 migration declares exactly the tables and columns of LAKEHOUSE_FORMAT.md.
 */
class LakehouseSqlTest {
  private static final LakeLayout LAKE = new LakeLayout("lake");
  private static final WarehouseDialect POSTGRES = new PostgresDialect(null, LAKE);
  private static final WarehouseDialect REDSHIFT =
      new RedshiftDialect(LAKE, "arn:aws:iam::1:role/r");
  private static final String V2 = "V2__workout_lakehouse";
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  /** A reserved column name written without its double quotes. */
  private static final Pattern UNQUOTED_RESERVED =
      Pattern.compile("(?<![\\w\"])(partition|offset|raw)(?![\\w\"])");

  /** "DELETE FROM table alias": Redshift takes no alias on the DELETE target. */
  private static final Pattern ALIASED_DELETE =
      Pattern.compile("DELETE\\s+FROM\\s+[\\w.\"]+\\s+(?!USING\\b|WHERE\\b)(?:AS\\s+)?\\w+");

  /** PostgreSQL-only text, or text that behaves differently in Redshift. */
  private static final List<String> NOT_PORTABLE =
      List.of(
          "::",
          "EXTRACT(EPOCH",
          "ON CONFLICT",
          "TRUNCATE",
          "RETURNING",
          "DISTINCT ON",
          "FILTER (WHERE",
          "LATERAL",
          "GENERATE_SERIES",
          "JSONB",
          "ILIKE ANY");

  /** The contract's tables and their columns, in the contract's order (LAKEHOUSE_FORMAT.md). */
  private static final Map<String, List<String>> CONTRACT = new LinkedHashMap<>();

  static {
    List<String> profile =
        List.of(
            "user_id",
            "dob",
            "sex",
            "gender",
            "first_name",
            "last_name",
            "street_address",
            "city",
            "state",
            "zip");
    CONTRACT.put(
        "bronze.kafka_records",
        List.of("topic", "partition", "offset", "kafka_timestamp", "key", "value"));
    CONTRACT.put("bronze.landing_rows", List.of("source", "object_key", "etag", "line", "text"));
    CONTRACT.put("silver.users", List.of("user_id", "device_id", "mac_address", "registered_at"));
    CONTRACT.put("silver.gym_logs", List.of("mac_address", "gym", "login", "logout"));
    CONTRACT.put("silver.user_profile", concat(profile, List.of("updated_at")));
    CONTRACT.put(
        "silver.user_profile_history",
        concat(profile, List.of("valid_from", "valid_to", "is_current")));
    CONTRACT.put("silver.heart_rate", List.of("device_id", "time", "heartrate", "valid"));
    CONTRACT.put(
        "silver.workouts", List.of("user_id", "workout_id", "session_id", "action", "time"));
    CONTRACT.put(
        "silver.completed_workouts",
        List.of("user_id", "workout_id", "session_id", "start_time", "end_time"));
    CONTRACT.put(
        "silver.workout_bpm",
        List.of(
            "user_id", "workout_id", "session_id", "start_time", "end_time", "time", "heartrate"));
    CONTRACT.put(
        "silver.rejected_records", List.of("source", "partition", "offset", "reason", "raw"));
    CONTRACT.put(
        "gold.workout_bpm_summary",
        List.of(
            "user_id",
            "workout_id",
            "session_id",
            "age",
            "gender",
            "city",
            "state",
            "min_bpm",
            "avg_bpm",
            "max_bpm",
            "num_recordings"));
    CONTRACT.put(
        "gold.gym_summary",
        List.of(
            "date",
            "gym",
            "mac_address",
            "workout_id",
            "session_id",
            "minutes_in_gym",
            "minutes_exercising"));
  }

  /** "Times are TIMESTAMP (UTC, no zone). dob is DATE." */
  private static final Map<String, String> CONTRACT_TYPES =
      Map.ofEntries(
          Map.entry("kafka_timestamp", "TIMESTAMP"),
          Map.entry("registered_at", "TIMESTAMP"),
          Map.entry("login", "TIMESTAMP"),
          Map.entry("logout", "TIMESTAMP"),
          Map.entry("updated_at", "TIMESTAMP"),
          Map.entry("valid_from", "TIMESTAMP"),
          Map.entry("valid_to", "TIMESTAMP"),
          Map.entry("time", "TIMESTAMP"),
          Map.entry("start_time", "TIMESTAMP"),
          Map.entry("end_time", "TIMESTAMP"),
          Map.entry("dob", "DATE"),
          Map.entry("date", "DATE"),
          Map.entry("is_current", "BOOLEAN"),
          Map.entry("valid", "BOOLEAN"));

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  // ---- Sql builders ----

  @Test
  void sameQuotesReservedNames() {
    assertEquals(
        "a.\"partition\" = b.\"partition\" AND a.\"offset\" = b.\"offset\"",
        Sql.same("a", "b", List.of("partition", "offset")));
    assertEquals(
        "e.user_id = k.user_id AND e.time = k.time",
        Sql.same("e", "k", List.of("user_id", "time")));
  }

  @Test
  void beforeIsALexicographicComparison() {
    assertEquals(
        "((a.\"partition\" < b.\"partition\")"
            + " OR (a.\"partition\" = b.\"partition\" AND a.\"offset\" < b.\"offset\"))",
        Sql.before("a", "b", List.of("partition", "offset")));
    assertEquals(
        "((e.object_key < b.object_key)"
            + " OR (e.object_key = b.object_key AND e.etag < b.etag)"
            + " OR (e.object_key = b.object_key AND e.etag = b.etag AND e.line < b.line))",
        Sql.before("e", "b", List.of("object_key", "etag", "line")));
  }

  @Test
  void deleteUsingNamesTheTargetWithoutAnAlias() {
    String sql = Sql.deleteUsing("silver.bpm_events", "keys", List.of("device_id", "offset"));
    assertEquals(
        "DELETE FROM silver.bpm_events USING keys k WHERE silver.bpm_events.device_id ="
            + " k.device_id AND silver.bpm_events.\"offset\" = k.\"offset\"",
        sql);
    assertFalse(ALIASED_DELETE.matcher(sql).find(), sql);
    assertTrue(
        ALIASED_DELETE.matcher("DELETE FROM silver.users t USING k WHERE t.user_id = 1").find(),
        "the alias detector itself works");
  }

  @Test
  void tempTableIsReplacedNotTruncated() {
    assertEquals(
        List.of("DROP TABLE IF EXISTS t", "CREATE TEMP TABLE t AS SELECT 1"),
        Sql.tempTable("t", "SELECT 1"));
  }

  // ---- portability of the silver and gold statements ----

  private static Map<String, List<String>> lakehouseStatements() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    all.put("SilverSql", SilverSql.statements());
    all.put("GoldSql(redshift)", new GoldSql(REDSHIFT).statements());
    List<String> duplicates = new ArrayList<>();
    for (LakehouseSource source : LakehouseSource.values()) {
      duplicates.add(SilverSql.duplicates(source.events(), source.identity(), source.position()));
    }
    all.put("SilverSql.duplicates", duplicates);
    return all;
  }

  @Test
  void silverAndGoldUseNoPostgresOnlyConstructs() {
    lakehouseStatements()
        .forEach(
            (name, statements) -> {
              assertFalse(statements.isEmpty(), name);
              for (String sql : statements) {
                String upper = sql.toUpperCase();
                for (String construct : NOT_PORTABLE) {
                  assertFalse(upper.contains(construct), name + " uses " + construct + ": " + sql);
                }
                assertFalse(
                    ALIASED_DELETE.matcher(sql).find(), name + " aliases a DELETE target: " + sql);
                assertFalse(sql.strip().endsWith(";"), name + ": one statement each: " + sql);
              }
            });
  }

  @Test
  void reservedColumnNamesAreAlwaysQuoted() {
    lakehouseStatements()
        .forEach(
            (name, statements) -> {
              for (String sql : statements) {
                Matcher m = UNQUOTED_RESERVED.matcher(sql);
                assertFalse(
                    m.find(),
                    () -> name + " has an unquoted " + m.group() + " at " + m.start() + ": " + sql);
              }
            });
    assertTrue(
        UNQUOTED_RESERVED.matcher("SELECT r.offset FROM x").find(), "the detector itself works");
    assertFalse(UNQUOTED_RESERVED.matcher("SELECT r.\"offset\", next_offset FROM x").find());
  }

  @Test
  void everyTableAndInsertedColumnTheStatementsNameIsInTheMigration() throws IOException {
    Map<String, List<String>> declared = declaredTables(committed(REDSHIFT));
    Pattern table = Pattern.compile("\\b((?:bronze|silver|gold)\\.\\w+)");
    Pattern insert = Pattern.compile("INSERT INTO ((?:bronze|silver|gold)\\.\\w+) \\(([^)]*)\\)");
    lakehouseStatements()
        .forEach(
            (name, statements) -> {
              for (String sql : statements) {
                Matcher t = table.matcher(sql);
                while (t.find()) {
                  assertTrue(declared.containsKey(t.group(1)), name + " names " + t.group(1));
                }
                Matcher i = insert.matcher(sql);
                while (i.find()) {
                  List<String> columns = declared.get(i.group(1));
                  for (String column : i.group(2).split(",")) {
                    String c = column.strip().replace("\"", "");
                    assertTrue(columns.contains(c), name + " inserts " + i.group(1) + "." + c);
                  }
                }
              }
            });
  }

  @Test
  void goldMeasuresTimeWithTheDialectsArithmetic() {
    String redshift = String.join("\n", new GoldSql(REDSHIFT).statements());
    String postgres = String.join("\n", new GoldSql(POSTGRES).statements());
    assertTrue(redshift.contains("DATEDIFF(microsecond, l.login, l.logout)"), redshift);
    assertTrue(redshift.contains("DATEDIFF(microsecond, c.start_time, c.end_time)"), redshift);
    assertFalse(redshift.contains("EXTRACT(EPOCH"), redshift);
    assertTrue(postgres.contains("EXTRACT(EPOCH FROM (l.logout - l.login))"), postgres);
    assertTrue(postgres.contains("EXTRACT(EPOCH FROM (c.end_time - c.start_time))"), postgres);
    assertFalse(postgres.contains("DATEDIFF"), postgres);
    // Apart from the interval arithmetic the text is the same.
    String normalized = redshift;
    for (String[] span :
        List.of(
            new String[] {"l.login", "l.logout"}, new String[] {"c.start_time", "c.end_time"})) {
      normalized =
          normalized.replace(
              REDSHIFT.secondsBetween(span[0], span[1]), POSTGRES.secondsBetween(span[0], span[1]));
    }
    assertEquals(postgres, normalized);
  }

  @Test
  void ageBandsAreTheContractsTenLabelsInOrder() {
    String sql =
        new GoldSql(REDSHIFT)
            .statements().stream()
                .filter(s -> s.startsWith("INSERT INTO gold.workout_bpm_summary"))
                .findFirst()
                .orElseThrow();
    Matcher band = Pattern.compile("CASE WHEN (\\S+) IS NULL THEN NULL(.*?) END").matcher(sql);
    assertTrue(band.find(), sql);
    String age = band.group(1);
    Matcher arm =
        Pattern.compile(" WHEN " + Pattern.quote(age) + " < (\\d+) THEN '([^']*)'| ELSE '([^']*)'")
            .matcher(band.group(2));
    List<Integer> bounds = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    while (arm.find()) {
      if (arm.group(3) != null) {
        labels.add(arm.group(3));
      } else {
        bounds.add(Integer.parseInt(arm.group(1)));
        labels.add(arm.group(2));
      }
    }
    assertEquals(
        List.of(
            "under 18",
            "18-25",
            "25-35",
            "35-45",
            "45-55",
            "55-65",
            "65-75",
            "75-85",
            "85-95",
            "95+"),
        labels);
    // Lower bound inclusive: "x < upper" arms in ascending order.
    assertEquals(List.of(18, 25, 35, 45, 55, 65, 75, 85, 95), bounds);
  }

  // ---- the V2 migration ----

  private static String committed(WarehouseDialect dialect) throws IOException {
    return Files.readString(
        MIGRATIONS.resolve(dialect.id()).resolve(V2 + ".sql"), StandardCharsets.UTF_8);
  }

  /** Table name to column names, in declaration order, from rendered DDL. */
  private static Map<String, List<String>> declaredTables(String ddl) {
    return declared(ddl, false);
  }

  private static Map<String, List<String>> declared(String ddl, boolean withTypes) {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("CREATE TABLE IF NOT EXISTS ([\\w.]+) \\(\\n(.*?)\\n\\)", Pattern.DOTALL)
            .matcher(ddl);
    while (m.find()) {
      List<String> columns = new ArrayList<>();
      for (String line : m.group(2).split(",\\n")) {
        String column = line.strip();
        if (column.startsWith("PRIMARY KEY")) {
          continue;
        }
        String[] parts = column.split("\\s+", 2);
        String name = parts[0].replace("\"", "");
        columns.add(withTypes ? name + " " + parts[1].replace(" NOT NULL", "") : name);
      }
      assertEquals(null, tables.put(m.group(1), columns), "declared twice: " + m.group(1));
    }
    return tables;
  }

  @Test
  void redshiftMigrationDeclaresTheContractTablesWithTheContractsColumns() throws IOException {
    for (String ddl :
        List.of(
            committed(REDSHIFT),
            MigrationScripts.render(REDSHIFT, V2),
            committed(POSTGRES),
            MigrationScripts.render(POSTGRES, V2))) {
      Map<String, List<String>> declared = declaredTables(ddl);
      CONTRACT.forEach(
          (table, columns) -> {
            assertNotNull(declared.get(table), table + " is not declared");
            assertEquals(columns, declared.get(table), table);
          });
    }
  }

  @Test
  void lakehouseTablesHoldTheContractsColumns() {
    Map<String, WarehouseTable> byName = new LinkedHashMap<>();
    LakehouseTables.BRONZE_TABLES.forEach(t -> byName.put("bronze." + t.name(), t));
    LakehouseTables.SILVER_TABLES.forEach(t -> byName.put("silver." + t.name(), t));
    LakehouseTables.GOLD_TABLES.forEach(t -> byName.put("gold." + t.name(), t));
    CONTRACT.forEach(
        (table, columns) -> {
          WarehouseTable t = byName.get(table);
          assertNotNull(t, table);
          assertEquals(columns, t.columns().stream().map(Column::name).toList(), table);
        });
  }

  @Test
  void contractTimesAreTimestampsWithoutZoneAndDobIsADate() throws IOException {
    Map<String, List<String>> typed = declared(committed(REDSHIFT), true);
    CONTRACT
        .keySet()
        .forEach(
            table -> {
              for (String column : typed.get(table)) {
                String[] parts = column.split(" ", 2);
                String expected = CONTRACT_TYPES.get(parts[0]);
                if (expected != null) {
                  assertEquals(expected, parts[1], table + "." + parts[0]);
                }
              }
            });
  }

  @Test
  void redshiftMigrationQuotesReservedNamesInColumnsAndSortKeys() throws IOException {
    String ddl = committed(REDSHIFT);
    Matcher m = UNQUOTED_RESERVED.matcher(ddl);
    assertFalse(m.find(), () -> "unquoted " + m.group() + " at " + m.start());
    assertTrue(ddl.contains("SORTKEY (topic, \"partition\", \"offset\")"), ddl);
    assertTrue(ddl.contains("  \"partition\" INTEGER NOT NULL,\n  \"offset\" BIGINT NOT NULL"));
    assertTrue(ddl.contains("  \"raw\" VARCHAR(65535)"));
    Matcher sortKey = Pattern.compile("SORTKEY \\(([^)]*)\\)").matcher(ddl);
    int sortKeys = 0;
    while (sortKey.find()) {
      sortKeys++;
      for (String column : sortKey.group(1).split(",\\s*")) {
        if (List.of("partition", "offset", "raw").contains(column.replace("\"", ""))) {
          assertEquals('"', column.charAt(0), sortKey.group());
        }
      }
    }
    assertEquals(declaredTables(ddl).size(), sortKeys, "one SORTKEY per table");
    for (String schema : List.of("bronze", "silver", "gold")) {
      assertTrue(ddl.contains("CREATE SCHEMA IF NOT EXISTS " + schema + ";"), schema);
    }
  }
}
