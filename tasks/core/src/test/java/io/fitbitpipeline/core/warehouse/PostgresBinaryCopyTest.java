package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.ParquetTableReader;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.step.LocalServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL loader's binary COPY against the real server: every column type, NULLs, values
 * before PostgreSQL's epoch and text that the text format had to escape arrive exactly as the Avro
 * reader reads the same Parquet files, across several files in one COPY.
 */
class PostgresBinaryCopyTest {
  private static final WarehouseTable ALL_TYPES =
      new WarehouseTable(
          "binary_copy_types",
          null,
          List.of(
              Column.required("t", ColumnType.TEXT),
              Column.optional("s", ColumnType.SMALLINT),
              Column.optional("i", ColumnType.INTEGER),
              Column.optional("b", ColumnType.BIGINT),
              Column.optional("d", ColumnType.DOUBLE),
              Column.optional("f", ColumnType.BOOLEAN),
              Column.optional("day", ColumnType.DATE),
              Column.optional("ts", ColumnType.TIMESTAMP),
              Column.optional("tz", ColumnType.TIMESTAMPTZ)),
          List.of("t"),
          "day");

  private static final Object[][] ROWS = {
    {
      "plain",
      (short) 7,
      42,
      1L << 40,
      2.5,
      true,
      LocalDate.parse("2026-11-16"),
      LocalDateTime.parse("2026-11-16T23:59:59.123456"),
      Instant.parse("2026-11-16T12:00:00Z")
    },
    {
      "tab\there, new\nline, back\\slash, é ♥",
      (short) -32768,
      Integer.MIN_VALUE,
      Long.MIN_VALUE,
      -0.1,
      false,
      LocalDate.parse("1969-12-31"),
      LocalDateTime.parse("1999-12-31T23:59:59.999999"),
      Instant.parse("1970-01-01T00:00:00.000001Z")
    },
    {"nulls", null, null, null, null, null, null, null, null},
    {"", (short) 0, 0, 0L, 0.0, true, LocalDate.parse("2000-01-01"), null, null}
  };

  @TempDir Path temp;

  @Test
  void copiesEveryTypeAsTheParquetReaderReadsIt() throws Exception {
    LocalServers servers = LocalServers.get();
    PipelineConfig config = servers.config("raw-binary-copy", "lake-binary-copy");
    ObjectStore store = LocalServers.storeWithBuckets(config);
    LakeLayout lake = new LakeLayout(config.lakeBucket());
    List<StagedFile> files = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    // Two files, so the one COPY spans files and the downloads ahead have something to do.
    for (int part = 0; part < 2; part++) {
      Path file = temp.resolve("part-" + part + ".parquet");
      try (ParquetTableWriter writer = new ParquetTableWriter(ALL_TYPES, file)) {
        for (Object[] row : ROWS) {
          for (int i = 0; i < row.length; i++) {
            writer.setValue(i, i == 0 ? part + ":" + row[0] : row[i]);
          }
          writer.write();
        }
      }
      ParquetTableReader.read(ALL_TYPES, file, row -> expected.add(Arrays.toString(row)));
      String key = "staging/binary_copy_types/part-" + part + ".parquet";
      store.putFile(lake.bucket(), key, file);
      files.add(new StagedFile(ALL_TYPES.name(), null, key, ROWS.length, Files.size(file)));
    }
    PostgresDialect dialect = new PostgresDialect(store, lake);
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.warehouseUser(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS binary_copy_test");
      s.execute("DROP TABLE IF EXISTS binary_copy_test." + ALL_TYPES.name());
      s.execute(dialect.createTable(ALL_TYPES, "binary_copy_test", false));
      s.execute("SET TIME ZONE 'UTC'");
      long rows =
          dialect.copyToStaging(
              c,
              new StagingLoad(
                  ALL_TYPES, "binary_copy_test." + ALL_TYPES.name(), files, "unused-manifest"));
      assertEquals(2L * ROWS.length, rows);
      List<String> actual = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT t, s, i, b, d, f, day, ts, tz FROM binary_copy_test."
                  + ALL_TYPES.name()
                  + " ORDER BY t")) {
        while (r.next()) {
          Object[] row = {
            r.getString(1),
            r.getObject(2, Integer.class),
            r.getObject(3, Integer.class),
            r.getObject(4, Long.class),
            r.getObject(5, Double.class),
            r.getObject(6, Boolean.class),
            r.getObject(7, LocalDate.class),
            r.getObject(8, LocalDateTime.class),
            r.getObject(9) == null
                ? null
                : r.getObject(9, java.time.OffsetDateTime.class).toInstant()
          };
          actual.add(Arrays.toString(row));
        }
      }
      assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
      s.execute("DROP SCHEMA binary_copy_test CASCADE");
    }
  }
}
