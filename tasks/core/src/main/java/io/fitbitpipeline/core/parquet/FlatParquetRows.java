package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a table's (flat) Parquet file row by row straight from Parquet's column readers, in table
 * column order: no Avro record, no boxed value, no String per row. The loader's fast path; {@link
 * ParquetTableReader} stays for callers that want Java values.
 *
 * <p>Columns are found by name in the file's schema, as the Avro reader did; a table column the
 * file does not have reads as NULL.
 */
public final class FlatParquetRows {
  /** The current row; valid only during {@link RowSink#accept}. */
  public interface Row {
    boolean isNull(int column);

    int getInt(int column);

    long getLong(int column);

    double getDouble(int column);

    boolean getBoolean(int column);

    /** The bytes of a TEXT column (UTF-8); may share Parquet's page buffer. */
    Binary getBinary(int column);
  }

  /** Receives each row of a file in order. */
  public interface RowSink {
    void accept(Row row) throws IOException;
  }

  private FlatParquetRows() {}

  /** Calls {@code sink} for every row of {@code file}; returns the rows read. */
  public static long read(WarehouseTable table, Path file, RowSink sink) throws IOException {
    long count = 0;
    try (Reader reader = open(table, file)) {
      while (reader.next()) {
        sink.accept(reader.row());
        count++;
      }
    }
    return count;
  }

  /** A pull-style reader of {@code file}: the caller advances it row by row. */
  public static Reader open(WarehouseTable table, Path file) throws IOException {
    return new Reader(table, file);
  }

  /**
   * One open file, advanced row by row across its row groups by {@link #next}. Holds one row group
   * (its compressed column chunks) at a time, so several can be open at once, as a merge needs.
   */
  public static final class Reader implements AutoCloseable {
    private final ParquetFileReader file;
    private final MessageType schema;
    private final String createdBy;
    private final Cursor cursor;
    private long leftInGroup;
    private boolean onRow;

    private Reader(WarehouseTable table, Path path) throws IOException {
      List<Column> columns = table.columns();
      this.file =
          ParquetFileReader.open(
              new LocalInputFile(path),
              ParquetReadOptions.builder(new PlainParquetConfiguration())
                  .withCodecFactory(new SnappyCodecs())
                  .build());
      try {
        this.schema = file.getFooter().getFileMetaData().getSchema();
        this.createdBy = file.getFooter().getFileMetaData().getCreatedBy();
        ColumnDescriptor[] descriptors = new ColumnDescriptor[columns.size()];
        for (int i = 0; i < descriptors.length; i++) {
          String name = columns.get(i).name();
          descriptors[i] =
              schema.containsField(name) ? schema.getColumnDescription(new String[] {name}) : null;
        }
        this.cursor = new Cursor(descriptors);
      } catch (RuntimeException e) {
        file.close();
        throw e;
      }
    }

    /**
     * Moves to the next row (the first on the first call); false at the end of the file. The row
     * that {@link #row} returned before is no longer valid.
     */
    public boolean next() throws IOException {
      if (onRow) {
        cursor.consume();
        onRow = false;
      }
      while (leftInGroup == 0) {
        PageReadStore group = file.readNextRowGroup();
        if (group == null) {
          return false;
        }
        cursor.startRowGroup(
            new ColumnReadStoreImpl(group, new IgnoringConverter(), schema, createdBy));
        leftInGroup = group.getRowCount();
      }
      leftInGroup--;
      onRow = true;
      return true;
    }

    /** The current row: valid until the next call of {@link #next}. */
    public Row row() {
      return cursor;
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  /** The column readers of one row group, positioned together on the current row. */
  private static final class Cursor implements Row {
    private final ColumnDescriptor[] descriptors;
    private final int[] maxDefinition;
    private final ColumnReader[] readers;

    Cursor(ColumnDescriptor[] descriptors) {
      this.descriptors = descriptors;
      this.maxDefinition = new int[descriptors.length];
      this.readers = new ColumnReader[descriptors.length];
      for (int i = 0; i < descriptors.length; i++) {
        maxDefinition[i] = descriptors[i] == null ? 0 : descriptors[i].getMaxDefinitionLevel();
      }
    }

    void startRowGroup(ColumnReadStoreImpl store) {
      for (int i = 0; i < descriptors.length; i++) {
        readers[i] = descriptors[i] == null ? null : store.getColumnReader(descriptors[i]);
      }
    }

    void consume() {
      for (ColumnReader reader : readers) {
        if (reader != null) {
          reader.consume();
        }
      }
    }

    @Override
    public boolean isNull(int column) {
      ColumnReader reader = readers[column];
      return reader == null || reader.getCurrentDefinitionLevel() < maxDefinition[column];
    }

    @Override
    public int getInt(int column) {
      return readers[column].getInteger();
    }

    @Override
    public long getLong(int column) {
      return readers[column].getLong();
    }

    @Override
    public double getDouble(int column) {
      return readers[column].getDouble();
    }

    @Override
    public boolean getBoolean(int column) {
      return readers[column].getBoolean();
    }

    @Override
    public Binary getBinary(int column) {
      return readers[column].getBinary();
    }
  }

  /**
   * Parquet's column store wants a converter tree even when values are read from the column readers
   * directly; this one accepts every field and does nothing with it.
   */
  private static final class IgnoringConverter extends GroupConverter {
    private final PrimitiveConverter ignored = new PrimitiveConverter() {};

    @Override
    public Converter getConverter(int fieldIndex) {
      return ignored;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
