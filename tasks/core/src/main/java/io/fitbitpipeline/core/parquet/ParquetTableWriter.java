package io.fitbitpipeline.core.parquet;

import static java.lang.Math.max;
import static java.lang.Math.min;

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
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one table's rows to a local snappy Parquet file (no Hadoop FileSystem involved).
 *
 * <p>The current row lives in primitive arrays and goes straight to parquet-java's column writers
 * ({@link ColumnWriteStore}): every table is flat (each column top-level, required or optional), so
 * a value's repetition level is always 0 and its definition level is 1 for a present optional
 * value, 0 otherwise. Profiling showed the generic record path ({@code MessageColumnIO}'s record
 * consumer: field bookkeeping and a BitSet reset per row) costing more than the values themselves.
 * Row groups, pages, compression and the footer are still parquet-java's own ({@link
 * ParquetFileWriter}, {@link ColumnChunkPageWriteStore}), flushed the way its {@code
 * InternalParquetRecordWriter} does. The file's schema is the one {@link TableSchemas} derives from
 * the table (converted to Parquet as parquet-avro does, and stored in the footer under the key
 * parquet-avro reads), so readers see exactly the files the Avro writer made.
 */
public final class ParquetTableWriter implements Closeable {
  /** Bounds the memory of one open writer; several are open at once during a transform. */
  private static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

  /** The footer key parquet-avro reads back: Avro readers get the table's own schema. */
  private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  private final WarehouseTable table;
  private final Path file;
  private final Row row;
  private final MessageType schema;
  private final ColumnDescriptor[] descriptors;
  private final ColumnWriter[] columnWriters;
  private final ParquetProperties properties;
  private final CodecFactory codecs;
  private final BytesInputCompressor compressor;
  private final ParquetFileWriter fileWriter;
  private final Map<String, String> footer;
  private final long rowGroupBytes;
  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private long rowsInGroup;
  private long rowsAtNextSizeCheck;
  private long nextRowGroupBytes;
  private long rows;
  private boolean closed;

  public ParquetTableWriter(WarehouseTable table, Path file) throws IOException {
    this(table, file, ROW_GROUP_BYTES);
  }

  /** With a row-group size of its own: small ones let tests write several row groups. */
  ParquetTableWriter(WarehouseTable table, Path file, long rowGroupBytes) throws IOException {
    this.table = table;
    this.file = file;
    this.rowGroupBytes = rowGroupBytes;
    this.nextRowGroupBytes = rowGroupBytes;
    Schema avroSchema = TableSchemas.of(table);
    this.schema = new AvroSchemaConverter().convert(avroSchema);
    this.footer = Map.of(AVRO_SCHEMA_KEY, avroSchema.toString());
    this.row = new Row(table.columns());
    this.properties = properties(table.columns());
    List<ColumnDescriptor> columns = schema.getColumns();
    this.descriptors = columns.toArray(new ColumnDescriptor[0]);
    this.columnWriters = new ColumnWriter[descriptors.length];
    // Parquet's plain configuration: no Hadoop Configuration to load per file.
    this.codecs =
        new CodecFactory(new PlainParquetConfiguration(), properties.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
    this.fileWriter =
        new ParquetFileWriter(
            new LocalOutputFile(file),
            schema,
            ParquetFileWriter.Mode.OVERWRITE,
            rowGroupBytes,
            ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
            null,
            properties);
    fileWriter.start();
    startRowGroup();
    this.rowsAtNextSizeCheck = properties.getMinRowCountForPageSizeCheck();
  }

  private static ParquetProperties properties(List<Column> columns) {
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            // Size statistics (byte and level histograms per page) cost work on every value,
            // and no reader of these files (loader, COPY, DuckDB) plans with them. Min/max
            // statistics stay.
            .withSizeStatisticsEnabled(false);
    for (Column column : columns) {
      // Times are nearly unique per row: a dictionary costs time and saves nothing. Double
      // values keep theirs: they repeat (METs, floors, distances), and without it the core
      // measured no faster (2026-12-01, docs/performance.md).
      if (column.type() == ColumnType.TIMESTAMP || column.type() == ColumnType.TIMESTAMPTZ) {
        builder = builder.withDictionaryEncoding(column.name(), false);
      }
    }
    return builder.build();
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
    if (closed) {
      throw new IllegalStateException("writer for " + file + " is closed");
    }
    row.writeTo(columnWriters);
    columnStore.endRecord();
    rows++;
    rowsInGroup++;
    if (rowsInGroup >= rowsAtNextSizeCheck) {
      checkRowGroupSize();
    }
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
    try {
      flushRowGroup();
      fileWriter.end(footer);
    } finally {
      codecs.release();
    }
  }

  private void startRowGroup() {
    pageStore =
        new ColumnChunkPageWriteStore(
            compressor,
            schema,
            properties.getAllocator(),
            properties.getColumnIndexTruncateLength(),
            properties.getPageWriteChecksumEnabled());
    columnStore = properties.newColumnWriteStore(schema, pageStore, pageStore);
    for (int i = 0; i < descriptors.length; i++) {
      columnWriters[i] = columnStore.getColumnWriter(descriptors[i]);
    }
  }

  /**
   * Measuring the buffered size walks every column, so it is done now and then, as parquet-java
   * does: the row group is closed when it is within about two rows of its size, otherwise the next
   * check is halfway to the estimated end.
   */
  private void checkRowGroupSize() throws IOException {
    long buffered = columnStore.getBufferedSize();
    long rowBytes = buffered / rowsInGroup;
    long minRows = properties.getMinRowCountForPageSizeCheck();
    long maxRows = properties.getMaxRowCountForPageSizeCheck();
    if (buffered > nextRowGroupBytes - 2 * rowBytes) {
      long written = rowsInGroup;
      flushRowGroup();
      startRowGroup();
      rowsAtNextSizeCheck = min(max(minRows, written / 2), maxRows);
    } else {
      long estimatedRows = rowsInGroup + (long) (nextRowGroupBytes / (float) max(rowBytes, 1));
      rowsAtNextSizeCheck = min(max(minRows, estimatedRows / 2), rowsInGroup + maxRows);
    }
  }

  private void flushRowGroup() throws IOException {
    try {
      if (rowsInGroup > 0) {
        fileWriter.startBlock(rowsInGroup);
        columnStore.flush();
        pageStore.flushToFileWriter(fileWriter);
        rowsInGroup = 0;
        fileWriter.endBlock();
        nextRowGroupBytes = min(fileWriter.getNextRowGroupSize(), rowGroupBytes);
      }
    } finally {
      columnStore.close();
      pageStore.close();
    }
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

    /**
     * Writes every column's value (repetition level 0; definition level 1 for a present optional
     * value, 0 for a required one or a NULL). A missing required value fails before anything of the
     * row is written, so the file stays consistent.
     */
    void writeTo(ColumnWriter[] out) {
      for (int i = 0; i < types.length; i++) {
        if (isNull[i] && !nullable[i]) {
          throw new IllegalStateException("column " + names[i] + " is required but null");
        }
      }
      for (int i = 0; i < types.length; i++) {
        ColumnWriter column = out[i];
        if (isNull[i]) {
          column.writeNull(0, 0);
          continue;
        }
        int level = nullable[i] ? 1 : 0;
        switch (types[i]) {
          case SMALLINT, INTEGER, DATE -> column.write((int) longs[i], 0, level);
          case BIGINT, TIMESTAMP, TIMESTAMPTZ -> column.write(longs[i], 0, level);
          case DOUBLE -> column.write(doubles[i], 0, level);
          case BOOLEAN -> column.write(longs[i] != 0, 0, level);
          case TEXT -> column.write(binary(i, objects[i]), 0, level);
        }
      }
    }
  }
}
