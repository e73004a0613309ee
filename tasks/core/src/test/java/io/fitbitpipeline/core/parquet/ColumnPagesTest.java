package io.fitbitpipeline.core.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ColumnPages} against parquet-java's own column writers: the same rows written by {@link
 * ParquetTableWriter} and by parquet-avro's writer must read back alike and carry the same
 * statistics and the same value encodings per column, through every case of the encoding: a
 * dictionary that pays off (runs of a user id, a handful of step counts), one that does not on the
 * first page (unique numbers: PLAIN from the start), one that fills up after the first page
 * (dictionary pages, then PLAIN ones), timestamps without a dictionary, NULLs, NaN and both zeros.
 */
class ColumnPagesTest {
  private static final WarehouseTable TABLE =
      new WarehouseTable(
          "pages",
          null,
          List.of(
              Column.required("user_id", ColumnType.TEXT),
              Column.required("ts", ColumnType.TIMESTAMP),
              Column.required("steps", ColumnType.INTEGER),
              Column.required("value", ColumnType.DOUBLE),
              Column.optional("note", ColumnType.TEXT),
              Column.optional("total", ColumnType.BIGINT),
              Column.optional("flag", ColumnType.BOOLEAN),
              Column.optional("day", ColumnType.DATE),
              Column.optional("mets", ColumnType.DOUBLE)),
          List.of("user_id", "ts"),
          "ts");

  /** Three and a half pages of 20,000 rows. */
  private static final int ROWS = 70_000;

  @TempDir Path dir;

  /** Row {@code r}'s values in Parquet representation (text as String). */
  private static Object[] row(int r) {
    Object[] v = new Object[TABLE.columns().size()];
    v[0] = "user-" + (r / 9_000);
    v[1] = 1_763_251_200_000_000L + r * 1_000_000L;
    v[2] = r % 97 < 40 ? 0 : r % 13;
    v[3] = r % 11 == 0 ? -0.0 : r % 7 == 0 ? 0.0 : (r % 500) * 0.01 - 1;
    // A short repeated note on the first page, then 40-byte unique ones: the dictionary fills
    // up (over 1 MB) in the second page and the later pages are PLAIN.
    v[4] = r % 5 == 0 ? null : r < 20_000 ? "note " + (r % 10) : String.format("%040d", r);
    v[5] = r % 3 == 0 ? null : (long) r * 1_000_003L;
    v[6] = r % 4 == 0 ? null : r % 3 == 1;
    v[7] = r % 6 == 0 ? null : 20_000 + r / 1_000;
    v[8] = r % 2 == 0 ? null : r == 45_001 ? Double.NaN : (r % 9) / 10.0;
    return v;
  }

  @Test
  void pagesReadBackAndCarryTheStatisticsAndEncodingsOfParquetJavasWriter() throws IOException {
    Path ours = dir.resolve("ours.parquet");
    try (ParquetTableWriter writer = new ParquetTableWriter(TABLE, ours)) {
      for (int r = 0; r < ROWS; r++) {
        Object[] v = row(r);
        for (int c = 0; c < v.length; c++) {
          writer.set(c, v[c]);
        }
        writer.write();
      }
    }
    Path reference = dir.resolve("reference.parquet");
    Schema schema = TableSchemas.of(TABLE);
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(reference))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding("ts", false)
            .build()) {
      for (int r = 0; r < ROWS; r++) {
        GenericRecord record = new GenericData.Record(schema);
        Object[] v = row(r);
        for (int c = 0; c < v.length; c++) {
          record.put(c, v[c]);
        }
        writer.write(record);
      }
    }

    assertEquals(readAll(reference), readAll(ours));
    ParquetMetadata want = footer(reference);
    ParquetMetadata got = footer(ours);
    for (int c = 0; c < TABLE.columns().size(); c++) {
      String name = TABLE.columns().get(c).name();
      assertEquals(chunkStatistics(want, c), chunkStatistics(got, c), name + " statistics");
      assertEquals(valueEncodings(want, c), valueEncodings(got, c), name + " encodings");
    }
    // The cases the data is made for, so that the comparison above covers them.
    assertEquals(Set.of(Encoding.PLAIN_DICTIONARY), valueEncodings(got, 0), "user_id");
    assertEquals(Set.of(Encoding.PLAIN), valueEncodings(got, 1), "ts");
    assertEquals(Set.of(Encoding.PLAIN_DICTIONARY, Encoding.PLAIN), valueEncodings(got, 4), "note");
    assertEquals(Set.of(Encoding.PLAIN), valueEncodings(got, 5), "total");
    assertEquals("min: -1.0, max: 3.99, num_nulls: 0", chunkStatistics(got, 3), "value");
    assertEquals("num_nulls: 35000, min/max not defined", chunkStatistics(got, 8), "mets, a NaN");
  }

  @Test
  void pagesOfLongTextsStayAboutOneMegabyte() throws IOException {
    WarehouseTable texts =
        new WarehouseTable(
            "texts",
            null,
            List.of(
                Column.required("user_id", ColumnType.TEXT),
                Column.required("ts", ColumnType.TIMESTAMP)),
            List.of("user_id", "ts"),
            "ts");
    Path file = dir.resolve("texts.parquet");
    int rows = 3_000;
    try (ParquetTableWriter writer = new ParquetTableWriter(texts, file)) {
      for (int r = 0; r < rows; r++) {
        writer.setText(0, String.format("%01000d", r)).setLong(1, r).write();
      }
    }
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      assertEquals(1, reader.getFooter().getBlocks().size());
      ColumnChunkMetaData chunk = reader.getFooter().getBlocks().get(0).getColumns().get(0);
      // 3 MB of text: three pages of about 1 MB (the timestamps' pages end on the same rows).
      assertEquals(3, reader.readOffsetIndex(chunk).getPageCount());
    }
    long[] count = {0};
    FlatParquetRows.read(
        texts,
        file,
        row -> {
          assertEquals(String.format("%01000d", count[0]), row.getBinary(0).toStringUsingUTF8());
          count[0]++;
        });
    assertEquals(rows, count[0]);
  }

  /** Every row as parquet-avro reads it (NaN and -0.0 compare by their bits in a List). */
  private static List<List<Object>> readAll(Path file) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    ParquetTableReader.read(TABLE, file, row -> rows.add(Arrays.asList(row.clone())));
    assertEquals(ROWS, rows.size());
    return rows;
  }

  /** Column {@code c}'s statistics over all row groups of the file. */
  private static String chunkStatistics(ParquetMetadata footer, int c) {
    Statistics<?> all = null;
    for (BlockMetaData block : footer.getBlocks()) {
      Statistics<?> chunk = block.getColumns().get(c).getStatistics();
      if (all == null) {
        all = chunk.copy();
      } else {
        all.mergeStatistics(chunk);
      }
    }
    return all == null ? "none" : all.toString();
  }

  private static Set<Encoding> valueEncodings(ParquetMetadata footer, int c) {
    Set<Encoding> encodings = new HashSet<>();
    for (BlockMetaData block : footer.getBlocks()) {
      ColumnChunkMetaData chunk = block.getColumns().get(c);
      encodings.addAll(chunk.getEncodings());
    }
    // Levels: RLE for an optional column, BIT_PACKED (nothing) for a required one, in both.
    encodings.remove(Encoding.RLE);
    encodings.remove(Encoding.BIT_PACKED);
    return encodings;
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      return reader.getFooter();
    }
  }
}
