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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one table's rows to a local snappy Parquet file (no Hadoop FileSystem involved).
 *
 * <p>The current row lives in primitive arrays and goes to one {@link ColumnPages} per column,
 * which buffers a page of values and encodes it as parquet-java's V1 column writer does: every
 * table is flat (each column top-level, required or optional), so a value has no repetition level
 * and an optional column's definition level says whether it is present. Profiling showed first the
 * generic record path ({@code MessageColumnIO}: field bookkeeping and a BitSet reset per row), then
 * parquet-java's per-value column writers costing more than parsing the JSON. Pages are compressed
 * by {@link SnappyPages}; page and column indexes, row groups and the footer are still
 * parquet-java's own ({@link ParquetFileWriter}, {@link ColumnChunkPageWriteStore}), flushed the
 * way its {@code InternalParquetRecordWriter} does. The file's schema is the one {@link
 * TableSchemas} derives from the table (converted to Parquet as parquet-avro does, and stored in
 * the footer under the key parquet-avro reads), so readers see exactly the files the Avro writer
 * made.
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
  private final ColumnPages[] columns;
  private final ParquetProperties properties;
  private final SnappyPages compressor = new SnappyPages();
  private final ParquetFileWriter fileWriter;
  private final Map<String, String> footer;
  private final long rowGroupBytes;
  private ColumnChunkPageWriteStore pageStore;
  private long rowsInGroup;
  private int rowsInPage;
  private long textBytesInPage;
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
    this.columns = new ColumnPages[descriptors.length];
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
    // Page size, dictionary page size and column index settings for ColumnPages and the page
    // store; no size statistics (byte and level histograms): ColumnPages writes min/max only.
    ParquetProperties.Builder builder = ParquetProperties.builder();
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
    textBytesInPage += row.writeTo(columns);
    rows++;
    rowsInGroup++;
    // A page of long texts is written before it has its rows: pages stay about 1 MB.
    if (++rowsInPage == ColumnPages.PAGE_ROWS
        || textBytesInPage >= properties.getPageSizeThreshold()) {
      writePages();
    }
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
      compressor.release();
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
    for (int i = 0; i < descriptors.length; i++) {
      columns[i] =
          ColumnPages.of(descriptors[i], pageStore.getPageWriter(descriptors[i]), properties);
    }
  }

  /** Every column's page ends on the same row. */
  private void writePages() throws IOException {
    for (ColumnPages column : columns) {
      column.writePage();
    }
    rowsInPage = 0;
    textBytesInPage = 0;
  }

  private long bufferedBytes() {
    long bytes = 0;
    for (ColumnPages column : columns) {
      bytes += column.bufferedBytes();
    }
    return bytes;
  }

  /**
   * Measuring the buffered size walks every column, so it is done now and then, as parquet-java
   * does: the row group is closed when it is within about two rows of its size, otherwise the next
   * check is halfway to the estimated end.
   */
  private void checkRowGroupSize() throws IOException {
    long buffered = bufferedBytes();
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
        writePages();
        for (ColumnPages column : columns) {
          column.finishChunk();
        }
        fileWriter.startBlock(rowsInGroup);
        pageStore.flushToFileWriter(fileWriter);
        rowsInGroup = 0;
        fileWriter.endBlock();
        nextRowGroupBytes = min(fileWriter.getNextRowGroupSize(), rowGroupBytes);
      }
    } finally {
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
        // Copied: a page keeps its values until it is written, and a Utf8 may be reused.
        return Binary.fromConstantByteArray(Arrays.copyOf(utf8.getBytes(), utf8.getByteLength()));
      }
      // The same text object row after row (a file's user id) is encoded once.
      if (text != lastText[index]) {
        lastText[index] = text;
        // The same Binary object row after row: a page compares and looks up a run once.
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
     * Adds every column's value to its page and returns the bytes of text added. A missing required
     * value fails before anything of the row is added, so the file stays consistent.
     */
    long writeTo(ColumnPages[] out) {
      for (int i = 0; i < types.length; i++) {
        if (isNull[i] && !nullable[i]) {
          throw new IllegalStateException("column " + names[i] + " is required but null");
        }
      }
      long textBytes = 0;
      for (int i = 0; i < types.length; i++) {
        ColumnPages column = out[i];
        if (isNull[i]) {
          column.addNull();
          continue;
        }
        switch (types[i]) {
          case SMALLINT, INTEGER, DATE -> column.add((int) longs[i]);
          case BIGINT, TIMESTAMP, TIMESTAMPTZ -> column.add(longs[i]);
          case DOUBLE -> column.add(doubles[i]);
          case BOOLEAN -> column.add(longs[i] != 0);
          case TEXT -> {
            Binary text = binary(i, objects[i]);
            column.add(text);
            textBytes += text.length();
          }
        }
      }
      return textBytes;
    }
  }
}
