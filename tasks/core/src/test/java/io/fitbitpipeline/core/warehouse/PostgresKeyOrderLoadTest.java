package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.step.LocalServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL load against the real server: the date files of one load land in the staging heap
 * in (user_id, ts) order (read back in ctid order, the order a sequential scan and so promote's
 * INSERT ... SELECT see), whatever order the load lists them in; unsorted files still load every
 * row; a table whose key does not start with user_id keeps date-file order.
 */
class PostgresKeyOrderLoadTest {
  private static final String SCHEMA = "key_order_test";

  private static final List<Column> COLUMNS =
      List.of(
          Column.required("user_id", ColumnType.TEXT),
          Column.required("ts", ColumnType.TIMESTAMP),
          Column.required("value", ColumnType.DOUBLE));

  private static final WarehouseTable BY_USER =
      new WarehouseTable("key_order_by_user", null, COLUMNS, List.of("user_id", "ts"), "ts");

  private static final WarehouseTable BY_TS =
      new WarehouseTable("key_order_by_ts", null, COLUMNS, List.of("ts", "user_id"), "ts");

  /** In PostgreSQL's "C" order: "USER-Z" < "user-" < "user-a" < "user-b" < "user-é" < "ü". */
  private static final List<String> USERS =
      List.of("user-a", "USER-Z", "user-é", "user-z", "user-", "user-b1", "user-b", "ü");

  private static final LocalDate FIRST = LocalDate.parse("2026-11-16");

  /** The load lists its files out of date order: the loader orders them by date. */
  private static final int[] LISTED_DAYS = {3, 0, 4, 1, 2};

  private record Line(String user, LocalDateTime ts, double value) {}

  private static final Comparator<Line> KEY_ORDER =
      Comparator.<Line, byte[]>comparing(
              l -> l.user().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned)
          .thenComparing(Line::ts);

  private static final Comparator<Line> ANY =
      Comparator.comparing(Line::user).thenComparing(Line::ts).thenComparingDouble(Line::value);

  @TempDir Path temp;
  private PipelineConfig config;
  private ObjectStore store;
  private LakeLayout lake;

  @BeforeEach
  void servers() throws Exception {
    config = LocalServers.get().config("raw-key-order", "lake-key-order");
    store = LocalServers.storeWithBuckets(config);
    lake = new LakeLayout(config.lakeBucket());
  }

  private static List<Line> day(int day) {
    List<Line> lines = new ArrayList<>();
    for (String user : USERS) {
      for (int p = 0; p < 40; p++) {
        lines.add(
            new Line(user, FIRST.plusDays(day).atStartOfDay().plusMinutes(p * 7), day * 100 + p));
      }
    }
    return lines;
  }

  private StagedFile stage(WarehouseTable table, int day, List<Line> lines) throws Exception {
    Path file = temp.resolve(table.name() + "-" + day + ".parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(table, file)) {
      for (Line l : lines) {
        writer.setText(0, l.user()).setValue(1, l.ts()).setDouble(2, l.value());
        writer.write();
      }
    }
    LocalDate date = FIRST.plusDays(day);
    String key = "staging/" + table.name() + "/date=" + date + "/part.parquet";
    store.putFile(lake.bucket(), key, file);
    return new StagedFile(table.name(), date, key, lines.size(), Files.size(file));
  }

  /** Loads {@code files} into a fresh table; returns its rows in heap (ctid) order. */
  private List<Line> load(WarehouseTable table, List<StagedFile> files, long expectedRows)
      throws Exception {
    PostgresDialect dialect = new PostgresDialect(store, lake);
    List<Line> heap = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.warehouseUser(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      s.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table.name());
      s.execute(dialect.createTable(table, SCHEMA, false));
      String target = SCHEMA + "." + table.name();
      long rows = dialect.copyToStaging(c, new StagingLoad(table, target, files, "unused"));
      assertEquals(expectedRows, rows);
      try (ResultSet r =
          s.executeQuery("SELECT user_id, ts, value FROM " + target + " ORDER BY ctid")) {
        while (r.next()) {
          heap.add(new Line(r.getString(1), r.getObject(2, LocalDateTime.class), r.getDouble(3)));
        }
      }
      s.execute("DROP TABLE " + target);
    }
    return heap;
  }

  @Test
  void sortedDateFilesLandInKeyOrder() throws Exception {
    List<StagedFile> files = new ArrayList<>();
    List<Line> all = new ArrayList<>();
    for (int day : LISTED_DAYS) {
      List<Line> lines = day(day).stream().sorted(KEY_ORDER).toList();
      all.addAll(lines);
      files.add(stage(BY_USER, day, lines));
    }
    List<Line> heap = load(BY_USER, files, all.size());
    // The same rows, and in key order in the heap (a file-after-file load is date-major).
    assertEquals(all.stream().sorted(KEY_ORDER).toList(), heap);
  }

  @Test
  void unsortedFilesLoadEveryRow() throws Exception {
    Random random = new Random(16);
    List<StagedFile> files = new ArrayList<>();
    List<Line> all = new ArrayList<>();
    for (int day : LISTED_DAYS) {
      List<Line> lines = new ArrayList<>(day(day));
      Collections.shuffle(lines, random);
      all.addAll(lines);
      files.add(stage(BY_USER, day, lines));
    }
    List<Line> heap = load(BY_USER, files, all.size());
    assertEquals(all.stream().sorted(ANY).toList(), heap.stream().sorted(ANY).toList());
  }

  @Test
  void aTableNotKeyedByUserKeepsDateFileOrder() throws Exception {
    List<StagedFile> files = new ArrayList<>();
    List<List<Line>> byDay = new ArrayList<>(Collections.nCopies(LISTED_DAYS.length, null));
    for (int day : LISTED_DAYS) {
      List<Line> lines = day(day).stream().sorted(KEY_ORDER).toList();
      byDay.set(day, lines);
      files.add(stage(BY_TS, day, lines));
    }
    List<Line> inDateOrder = byDay.stream().flatMap(List::stream).toList();
    assertEquals(inDateOrder, load(BY_TS, files, inDateOrder.size()));
  }
}
