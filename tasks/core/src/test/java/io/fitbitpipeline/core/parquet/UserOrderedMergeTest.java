package io.fitbitpipeline.core.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's merge of a load's date files on user_id: a permutation of the files' rows (never a
 * filter), in (user_id, ts) order when each file is sorted, across row groups, with user ids in
 * PostgreSQL's "C" order (unsigned UTF-8 bytes); tables keyed otherwise keep file order.
 */
class UserOrderedMergeTest {
  private static final WarehouseTable BY_USER =
      new WarehouseTable(
          "merge_by_user",
          null,
          List.of(
              Column.required("user_id", ColumnType.TEXT),
              Column.required("ts", ColumnType.TIMESTAMP),
              Column.required("value", ColumnType.DOUBLE)),
          List.of("user_id", "ts"),
          "ts");

  /** Same columns, keyed by ts: the merge must leave it alone. */
  private static final WarehouseTable BY_TS =
      new WarehouseTable("merge_by_ts", null, BY_USER.columns(), List.of("ts", "user_id"), "ts");

  private static final long DAY_MICROS = 86_400_000_000L;
  private static final long START = 1_763_251_200_000_000L;

  /** Users whose byte order differs from String order and from a locale's: "Z" < "a" < "é". */
  private static final List<String> USERS =
      List.of("user-a", "USER-Z", "user-é", "user-z", "user-", "user-b1", "user-b", "ü");

  @TempDir Path dir;

  private record Line(String user, long ts, double value) {}

  private static final Comparator<Line> KEY_ORDER =
      Comparator.<Line, byte[]>comparing(
              l -> l.user().getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned)
          .thenComparingLong(Line::ts);

  /** One day's rows: every user, {@code perUser} points each, in the given order. */
  private static List<Line> day(int day, int perUser) {
    List<Line> lines = new ArrayList<>();
    for (String user : USERS) {
      for (int p = 0; p < perUser; p++) {
        lines.add(new Line(user, START + day * DAY_MICROS + p * 60_000_000L, day * 1000 + p));
      }
    }
    return lines;
  }

  private Path write(String name, List<Line> lines, long rowGroupBytes) throws IOException {
    Path file = dir.resolve(name + ".parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(BY_USER, file, rowGroupBytes)) {
      for (Line l : lines) {
        writer.setText(0, l.user()).setLong(1, l.ts()).setDouble(2, l.value());
        writer.write();
      }
    }
    return file;
  }

  private static List<Line> merge(WarehouseTable table, List<Path> files) throws IOException {
    List<Line> out = new ArrayList<>();
    long rows =
        UserOrderedMerge.read(
            table,
            files,
            row ->
                out.add(
                    new Line(
                        row.getBinary(0).toStringUsingUTF8(), row.getLong(1), row.getDouble(2))));
    assertEquals(out.size(), rows);
    return out;
  }

  private static List<Line> sorted(List<Line> lines, Comparator<Line> order) {
    return lines.stream().sorted(order).toList();
  }

  private static final Comparator<Line> ANY =
      Comparator.comparing(Line::user).thenComparingLong(Line::ts).thenComparingDouble(Line::value);

  @Test
  void sortedDateFilesComeOutInKeyOrderAcrossRowGroups() throws IOException {
    List<Path> files = new ArrayList<>();
    List<Line> all = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      List<Line> day = sorted(day(d, 300), KEY_ORDER);
      all.addAll(day);
      // Small row groups: every file has several, so the readers cross row groups mid-user.
      files.add(write("day-" + d, day, 4 * 1024));
    }
    try (ParquetFileReader footer =
        ParquetFileReader.open(
            new LocalInputFile(files.get(0)),
            org.apache.parquet.ParquetReadOptions.builder(new PlainParquetConfiguration())
                .build())) {
      assertTrue(footer.getRowGroups().size() > 3, "row groups: " + footer.getRowGroups().size());
    }
    List<Line> merged = merge(BY_USER, files);
    assertEquals(sorted(all, KEY_ORDER), merged);
  }

  @Test
  void unsortedFilesStillYieldEveryRowOnce() throws IOException {
    Random random = new Random(8);
    List<Path> files = new ArrayList<>();
    List<Line> all = new ArrayList<>();
    for (int d = 0; d < 3; d++) {
      List<Line> day = new ArrayList<>(day(d, 50));
      java.util.Collections.shuffle(day, random);
      all.addAll(day);
      files.add(write("shuffled-" + d, day, d == 1 ? 2 * 1024 : 1 << 20));
    }
    // And a file holding a single row and one repeating the rows of another.
    List<Line> single = List.of(new Line("user-a", START - 1, -1));
    all.addAll(single);
    files.add(write("single", single, 1 << 20));
    List<Line> again = day(0, 5);
    all.addAll(again);
    files.add(write("again", again, 1 << 20));

    List<Line> merged = merge(BY_USER, files);
    assertEquals(all.size(), merged.size());
    assertEquals(sorted(all, ANY), sorted(merged, ANY));
  }

  @Test
  void tiesGoToTheEarlierFile() throws IOException {
    // Same user in both files; the second file's points are earlier: file order decides.
    Path later =
        write(
            "first", List.of(new Line("u", START + 10, 1), new Line("u", START + 11, 2)), 1 << 20);
    Path earlier =
        write("second", List.of(new Line("u", START, 3), new Line("v", START, 4)), 1 << 20);
    assertEquals(
        List.of(1.0, 2.0, 3.0, 4.0),
        merge(BY_USER, List.of(later, earlier)).stream().map(Line::value).toList());
  }

  @Test
  void tablesNotKeyedByUserKeepFileOrder() throws IOException {
    List<Path> files = new ArrayList<>();
    List<Line> all = new ArrayList<>();
    for (int d = 0; d < 3; d++) {
      List<Line> day = sorted(day(d, 20), KEY_ORDER);
      all.addAll(day);
      files.add(write("ts-" + d, day, 1 << 20));
    }
    assertEquals(all, merge(BY_TS, files));
    assertEquals(-1, UserOrderedMerge.userKeyColumn(BY_TS));
    assertEquals(0, UserOrderedMerge.userKeyColumn(BY_USER));
  }
}
