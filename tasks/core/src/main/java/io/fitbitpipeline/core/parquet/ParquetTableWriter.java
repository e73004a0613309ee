package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one table's rows to a local snappy Parquet file (no Hadoop FileSystem involved).
 *
 * <p>It uses Parquet's low-level write path: the current row lives in primitive arrays and goes
 * straight to the column writers, with no Avro record per row (profiling showed the Avro
 * GenericRecord path costing as much as parsing). The file's schema is still the one {@link
 * TableSchemas} derives from the table (converted to Parquet as parquet-avro does, and stored in
 * the footer under the same key), so readers see exactly the files the Avro writer made.
 */
public final class ParquetTableWriter implements Closeable {
  /** Bounds the memory of one open writer; several are open at once during a transform. */
  private static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

  private final WarehouseTable table;
  private final Path file;
  private final Row row;
  private final ParquetWriter<Row> writer;
  private long rows;
  private boolean closed;

  public ParquetTableWriter(WarehouseTable table, Path file) throws IOException {
    this.table = table;
    this.file = file;
    Schema schema = TableSchemas.of(table);
    MessageType messageType = new AvroSchemaConverter().convert(schema);
    this.row = new Row(table.columns());
    Builder builder = new Builder(new LocalOutputFile(file), messageType, schema.toString(), row);
    for (Column column : table.columns()) {
      // Times are nearly unique per row: a dictionary costs time and saves nothing.
      if (column.type() == ColumnType.TIMESTAMP || column.type() == ColumnType.TIMESTAMPTZ) {
        builder = builder.withDictionaryEncoding(column.name(), false);
      }
    }
    this.writer =
        builder
            // Parquet's plain configuration: no Hadoop Configuration to load per file.
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withRowGroupSize((long) ROW_GROUP_BYTES)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            // Size statistics (byte and level histograms per page) cost work on every value,
            // and no reader of these files (loader, COPY, DuckDB) plans with them. Min/max
            // statistics stay.
            .withSizeStatisticsEnabled(false)
            .build();
  }

  /**
   * Sets column {@code index} (table order) of the current row from its Parquet representation:
   * text as a String, DATE as epoch days (int), timestamps as microseconds (long), numbers as the
   * column's width; null for NULL.
   */
  public ParquetTableWriter set(int index, Object value) {
    row.set(index, value);
    return this;
  }

  /**
   * Sets column {@code index} from a plain Java value (LocalDate, LocalDateTime, Instant, a number
   * of any width, text, Boolean), converted to the column's Parquet representation.
   */
  public ParquetTableWriter setValue(int index, Object value) {
    row.set(index, TableSchemas.toParquet(table.columns().get(index), value));
    return this;
  }

  /** A TEXT column, without boxing. */
  public ParquetTableWriter setText(int index, String value) {
    row.set(index, value);
    return this;
  }

  /** An INTEGER, SMALLINT or DATE (epoch day) column. */
  public ParquetTableWriter setInt(int index, int value) {
    row.setLong(index, value);
    return this;
  }

  /** A BIGINT or timestamp (microseconds) column. */
  public ParquetTableWriter setLong(int index, long value) {
    row.setLong(index, value);
    return this;
  }

  public ParquetTableWriter setDouble(int index, double value) {
    row.setDouble(index, value);
    return this;
  }

  public ParquetTableWriter setNull(int index) {
    row.set(index, null);
    return this;
  }

  /** Writes the current row. */
  public ParquetTableWriter write() throws IOException {
    writer.write(row);
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

  /** The current row, column by column in primitive slots; reused for every row. */
  private static final class Row {
    private final String[] names;
    private final ColumnType[] types;
    private final boolean[] nullable;
    private final boolean[] isNull;
    private final long[] longs;
    private final double[] doubles;
    private final Object[] objects;
    private final Object[] lastText;
    private final Binary[] lastBinary;

    Row(List<Column> columns) {
      int n = columns.size();
      names = new String[n];
      types = new ColumnType[n];
      nullable = new boolean[n];
      isNull = new boolean[n];
      longs = new long[n];
      doubles = new double[n];
      objects = new Object[n];
      lastText = new Object[n];
      lastBinary = new Binary[n];
      for (int i = 0; i < n; i++) {
        names[i] = columns.get(i).name();
        types[i] = columns.get(i).type();
        nullable[i] = columns.get(i).nullable();
        isNull[i] = true;
      }
    }

    void set(int index, Object value) {
      if (value == null) {
        isNull[index] = true;
        return;
      }
      isNull[index] = false;
      switch (types[index]) {
        case SMALLINT, INTEGER, DATE, BIGINT, TIMESTAMP, TIMESTAMPTZ ->
            longs[index] = ((Number) value).longValue();
        case DOUBLE -> doubles[index] = ((Number) value).doubleValue();
        case BOOLEAN -> longs[index] = ((Boolean) value) ? 1 : 0;
        // Avro's Utf8 (bytes as received) is kept as is; anything else is text.
        case TEXT -> objects[index] = value instanceof Utf8 ? value : value.toString();
      }
    }

    private Binary binary(int index, Object text) {
      if (text instanceof Utf8 utf8) {
        return Binary.fromConstantByteArray(utf8.getBytes(), 0, utf8.getByteLength());
      }
      // The same text object row after row (a file's user id) is encoded once.
      if (text != lastText[index]) {
        lastText[index] = text;
        // Array-backed: Parquet hashes, compares (dictionary, statistics) it once per row.
        lastBinary[index] =
            Binary.fromConstantByteArray(((String) text).getBytes(StandardCharsets.UTF_8));
      }
      return lastBinary[index];
    }

    void setLong(int index, long value) {
      isNull[index] = false;
      longs[index] = value;
    }

    void setDouble(int index, double value) {
      isNull[index] = false;
      doubles[index] = value;
    }

    void writeTo(RecordConsumer out) {
      out.startMessage();
      for (int i = 0; i < types.length; i++) {
        if (isNull[i]) {
          if (!nullable[i]) {
            throw new IllegalStateException("column " + names[i] + " is required but null");
          }
          continue;
        }
        out.startField(names[i], i);
        switch (types[i]) {
          case SMALLINT, INTEGER, DATE -> out.addInteger((int) longs[i]);
          case BIGINT, TIMESTAMP, TIMESTAMPTZ -> out.addLong(longs[i]);
          case DOUBLE -> out.addDouble(doubles[i]);
          case BOOLEAN -> out.addBoolean(longs[i] != 0);
          case TEXT -> out.addBinary(binary(i, objects[i]));
        }
        out.endField(names[i], i);
      }
      out.endMessage();
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType schema;
    private final String avroSchema;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema, String avroSchema) {
      this.schema = schema;
      this.avroSchema = avroSchema;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return context();
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return context();
    }

    private WriteContext context() {
      // The key parquet-avro reads back: Avro readers get the table's own schema.
      return new WriteContext(schema, Map.of("parquet.avro.schema", avroSchema));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Row record) {
      record.writeTo(consumer);
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final MessageType schema;
    private final String avroSchema;

    Builder(OutputFile file, MessageType schema, String avroSchema, Row unused) {
      super(file);
      this.schema = schema;
      this.avroSchema = avroSchema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema, avroSchema);
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport(schema, avroSchema);
    }
  }
}
