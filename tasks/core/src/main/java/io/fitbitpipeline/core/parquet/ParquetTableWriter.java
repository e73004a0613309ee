package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes one table's rows to a local snappy Parquet file (no Hadoop FileSystem involved). One
 * record object is reused for every row: the writer copies values into its column buffers.
 */
public final class ParquetTableWriter implements Closeable {
  /** Bounds the memory of one open writer; several are open at once during a transform. */
  private static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

  private final WarehouseTable table;
  private final Path file;
  private final ParquetWriter<GenericRecord> writer;
  private final GenericData.Record record;
  private long rows;
  private boolean closed;

  public ParquetTableWriter(WarehouseTable table, Path file) throws IOException {
    this.table = table;
    this.file = file;
    Schema schema = TableSchemas.of(table);
    AvroParquetWriter.Builder<GenericRecord> builder =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file));
    for (Column column : table.columns()) {
      // Times are nearly unique per row: a dictionary costs time and saves nothing.
      if (column.type() == ColumnType.TIMESTAMP || column.type() == ColumnType.TIMESTAMPTZ) {
        builder = builder.withDictionaryEncoding(column.name(), false);
      }
    }
    this.writer =
        builder
            .withSchema(schema)
            .withDataModel(GenericData.get())
            // Parquet's plain configuration: no Hadoop Configuration to load per file.
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withRowGroupSize((long) ROW_GROUP_BYTES)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
    this.record = new GenericData.Record(schema);
  }

  /** Sets column {@code index} (table order) of the current row. */
  public ParquetTableWriter set(int index, Object value) {
    record.put(index, value);
    return this;
  }

  /**
   * Sets column {@code index} from a plain Java value (LocalDate, LocalDateTime, Instant, a number
   * of any width, text, Boolean), converted to the column's Parquet representation.
   */
  public ParquetTableWriter setValue(int index, Object value) {
    record.put(index, TableSchemas.toParquet(table.columns().get(index), value));
    return this;
  }

  /** Writes the current row. */
  public ParquetTableWriter write() throws IOException {
    writer.write(record);
    rows++;
    return this;
  }

  public long rows() {
    return rows;
  }

  public WarehouseTable table() {
    return table;
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    writer.close();
  }
}
