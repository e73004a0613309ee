package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads a table's Parquet file back as rows of Java values in table column order. */
public final class ParquetTableReader {
  /** Receives one row; the array is reused between calls. */
  public interface RowSink {
    void accept(Object[] row) throws IOException;
  }

  private ParquetTableReader() {}

  public static long read(WarehouseTable table, Path file, RowSink sink) throws IOException {
    List<Column> columns = table.columns();
    Object[] row = new Object[columns.size()];
    long count = 0;
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
            .withDataModel(GenericData.get())
            .withConf(new PlainParquetConfiguration())
            .build()) {
      for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
        for (int i = 0; i < row.length; i++) {
          row[i] = toJava(columns.get(i), record.get(columns.get(i).name()));
        }
        sink.accept(row);
        count++;
      }
    }
    return count;
  }

  private static Object toJava(Column column, Object value) {
    if (value == null) {
      return null;
    }
    return switch (column.type()) {
      case TEXT -> value.toString();
      case DATE -> LocalDate.ofEpochDay(((Number) value).longValue());
      case TIMESTAMP -> TableSchemas.fromLocalMicros(((Number) value).longValue());
      case TIMESTAMPTZ -> {
        long micros = ((Number) value).longValue();
        yield Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
      }
      default -> value;
    };
  }
}
