package io.fitbitpipeline.core.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's column-level path: every column type, required and optional, NULLs, several row
 * groups, read back value for value by the loader's reader ({@link FlatParquetRows}) and by
 * parquet-avro (as DuckDB, COPY and the Avro-based readers see the file).
 */
class ParquetTableWriterTest {
  private static final WarehouseTable ALL_TYPES =
      new WarehouseTable(
          "writer_types",
          null,
          List.of(
              Column.required("user_id", ColumnType.TEXT),
              Column.required("ts", ColumnType.TIMESTAMP),
              Column.required("value", ColumnType.DOUBLE),
              Column.required("steps", ColumnType.INTEGER),
              Column.optional("note", ColumnType.TEXT),
              Column.optional("level", ColumnType.SMALLINT),
              Column.optional("total", ColumnType.BIGINT),
              Column.optional("mets", ColumnType.DOUBLE),
              Column.optional("flag", ColumnType.BOOLEAN),
              Column.optional("day", ColumnType.DATE),
              Column.optional("at", ColumnType.TIMESTAMPTZ)),
          List.of("user_id", "ts"),
          "ts");

  private static final int ROWS = 20_000;

  @TempDir Path dir;

  /** Row {@code r}'s values in Parquet representation; NULLs in a pattern per column. */
  private static Object[] expected(int r) {
    Object[] v = new Object[ALL_TYPES.columns().size()];
    v[0] = "user-" + (r / 1000) + (r % 7 == 0 ? "-é" : "");
    v[1] = 1_763_251_200_000_000L + r * 1_000_000L;
    v[2] = r * 0.25 - 17.5;
    v[3] = r * 31 - 9000;
    v[4] = r % 3 == 0 ? null : "note " + r;
    v[5] = r % 4 == 0 ? null : (short) (r % 5);
    v[6] = r % 5 == 0 ? null : (long) r << 33;
    v[7] = r % 6 == 0 ? null : r / 3.0;
    v[8] = r % 2 == 0 ? null : r % 3 == 1;
    v[9] = r % 7 == 1 ? null : 20_000 + r % 400;
    v[10] = r % 8 == 2 ? null : -86_400_000_000L + r;
    return v;
  }

  private Path writeAll(long rowGroupBytes) throws IOException {
    Path file = dir.resolve("t" + rowGroupBytes + ".parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(ALL_TYPES, file, rowGroupBytes)) {
      for (int r = 0; r < ROWS; r++) {
        Object[] v = expected(r);
        // The typed setters the transform uses, and the generic ones for the rest.
        writer.setText(0, (String) v[0]).setLong(1, (long) v[1]).setDouble(2, (double) v[2]);
        writer.setInt(3, (int) v[3]).set(4, v[4]);
        if (v[5] == null) {
          writer.setNull(5);
        } else {
          writer.setInt(5, (short) v[5]);
        }
        writer.set(6, v[6]).set(7, v[7]).set(8, v[8]).set(9, v[9]).set(10, v[10]);
        writer.write();
      }
      assertEquals(ROWS, writer.rows());
    }
    return file;
  }

  @Test
  void writesEveryTypeAndNullAcrossRowGroupsAsBothReadersSeeIt() throws IOException {
    Path file = writeAll(16 * 1024);

    ParquetMetadata footer = footer(file);
    assertTrue(footer.getBlocks().size() > 3, "row groups: " + footer.getBlocks().size());
    assertEquals(
        TableSchemas.of(ALL_TYPES).toString(),
        footer.getFileMetaData().getKeyValueMetaData().get("parquet.avro.schema"));

    List<Object[]> flat = new ArrayList<>();
    FlatParquetRows.read(ALL_TYPES, file, row -> flat.add(flatValues(row)));
    assertEquals(ROWS, flat.size());
    for (int r = 0; r < ROWS; r++) {
      assertEquals(Arrays.asList(expected(r)), Arrays.asList(flat.get(r)), "flat row " + r);
    }

    int r = 0;
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
            // Plain values (no java.time conversions): compared with what was written.
            .withDataModel(GenericData.get())
            .withConf(new PlainParquetConfiguration())
            .build()) {
      for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
        assertEquals(TableSchemas.of(ALL_TYPES), record.getSchema());
        Object[] want = expected(r);
        for (int c = 0; c < want.length; c++) {
          Object got = record.get(c);
          Object expect = want[c];
          if (got != null && ALL_TYPES.columns().get(c).type() == ColumnType.TEXT) {
            got = got.toString();
          }
          if (expect instanceof Short s) {
            expect = (int) s; // Avro has no 16-bit integer
          }
          assertEquals(expect, got, "avro row " + r + " column " + c);
        }
        r++;
      }
    }
    assertEquals(ROWS, r);
  }

  @Test
  void oneRowGroupByDefault() throws IOException {
    Path file = dir.resolve("default.parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(ALL_TYPES, file)) {
      for (int r = 0; r < ROWS; r++) {
        Object[] v = expected(r);
        for (int c = 0; c < v.length; c++) {
          writer.set(c, v[c]);
        }
        writer.write();
      }
    }
    assertEquals(1, footer(file).getBlocks().size());
    long[] count = {0};
    FlatParquetRows.read(
        ALL_TYPES,
        file,
        row -> {
          assertEquals(Arrays.asList(expected((int) count[0])), Arrays.asList(flatValues(row)));
          count[0]++;
        });
    assertEquals(ROWS, count[0]);
  }

  @Test
  void anEmptyFileHasTheSchemaAndNoRows() throws IOException {
    Path file = dir.resolve("empty.parquet");
    new ParquetTableWriter(ALL_TYPES, file).close();
    assertEquals(0, footer(file).getBlocks().size());
    assertEquals(0, FlatParquetRows.read(ALL_TYPES, file, row -> {}));
  }

  @Test
  void aMissingRequiredValueFailsAndLeavesTheWrittenRowsReadable() throws IOException {
    Path file = dir.resolve("required.parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(ALL_TYPES, file)) {
      Object[] v = expected(1);
      for (int c = 0; c < v.length; c++) {
        writer.set(c, v[c]);
      }
      writer.write();
      writer.setNull(2);
      IllegalStateException e = assertThrows(IllegalStateException.class, writer::write);
      assertTrue(e.getMessage().contains("value"), e.getMessage());
    }
    List<Object[]> rows = new ArrayList<>();
    FlatParquetRows.read(ALL_TYPES, file, row -> rows.add(flatValues(row)));
    assertEquals(1, rows.size());
    assertEquals(Arrays.asList(expected(1)), Arrays.asList(rows.get(0)));
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      return reader.getFooter();
    }
  }

  private static Object[] flatValues(FlatParquetRows.Row row) {
    List<Column> columns = ALL_TYPES.columns();
    Object[] v = new Object[columns.size()];
    for (int c = 0; c < v.length; c++) {
      if (row.isNull(c)) {
        continue;
      }
      v[c] =
          switch (columns.get(c).type()) {
            case TEXT -> new String(row.getBinary(c).getBytesUnsafe(), StandardCharsets.UTF_8);
            case SMALLINT -> (short) row.getInt(c);
            case INTEGER, DATE -> row.getInt(c);
            case BIGINT, TIMESTAMP, TIMESTAMPTZ -> row.getLong(c);
            case DOUBLE -> row.getDouble(c);
            case BOOLEAN -> row.getBoolean(c);
          };
    }
    return v;
  }
}
