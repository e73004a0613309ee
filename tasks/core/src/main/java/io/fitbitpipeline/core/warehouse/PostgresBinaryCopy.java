package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.parquet.FlatParquetRows;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.apache.parquet.io.api.Binary;
import org.postgresql.copy.CopyIn;

/**
 * Writes rows in PostgreSQL's binary COPY format (COPY ... FROM STDIN WITH (FORMAT binary)).
 * Parquet already holds integers, days and microseconds, so each value is a shift and a few bytes:
 * no text to format here and none for the server to parse, which is where the text format spent its
 * time.
 *
 * <p>Format: an 11-byte signature, flags and header-extension length; per row the field count and
 * per field its length (-1 for NULL) and big-endian bytes; a trailer of -1.
 */
final class PostgresBinaryCopy {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0
  };

  /** 1970-01-01 to PostgreSQL's epoch 2000-01-01, in days and in microseconds. */
  private static final int EPOCH_DAYS = 10_957;

  private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400L * 1_000_000L;

  private static final int FLUSH_AT = 1 << 16;

  private final CopyIn copy;
  private final ColumnType[] types;
  private byte[] buffer = new byte[FLUSH_AT + 1024];
  private int length;

  PostgresBinaryCopy(CopyIn copy, List<Column> columns) {
    this.copy = copy;
    this.types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
    ensure(SIGNATURE.length + 8);
    System.arraycopy(SIGNATURE, 0, buffer, 0, SIGNATURE.length);
    length = SIGNATURE.length;
    putInt(0);
    putInt(0);
  }

  void write(FlatParquetRows.Row row) throws IOException {
    ensure(2 + types.length * 12);
    putShort(types.length);
    for (int i = 0; i < types.length; i++) {
      if (row.isNull(i)) {
        putInt(-1);
        continue;
      }
      switch (types[i]) {
        case TEXT -> {
          Binary text = row.getBinary(i);
          int n = text.length();
          ensure(4 + n + (types.length - i) * 12);
          putInt(n);
          text.toByteBuffer().get(buffer, length, n);
          length += n;
        }
        case SMALLINT -> {
          putInt(2);
          putShort(row.getInt(i));
        }
        case INTEGER -> {
          putInt(4);
          putInt(row.getInt(i));
        }
        case DATE -> {
          putInt(4);
          putInt(row.getInt(i) - EPOCH_DAYS);
        }
        case BIGINT -> {
          putInt(8);
          putLong(row.getLong(i));
        }
        case TIMESTAMP, TIMESTAMPTZ -> {
          putInt(8);
          putLong(row.getLong(i) - EPOCH_MICROS);
        }
        case DOUBLE -> {
          putInt(8);
          putLong(Double.doubleToRawLongBits(row.getDouble(i)));
        }
        case BOOLEAN -> {
          putInt(1);
          buffer[length++] = (byte) (row.getBoolean(i) ? 1 : 0);
        }
      }
    }
    if (length >= FLUSH_AT) {
      flush();
    }
  }

  /** Writes the trailer and sends what is buffered; the caller then ends the COPY. */
  void finish() throws IOException {
    ensure(2);
    putShort(-1);
    flush();
  }

  private void flush() throws IOException {
    if (length == 0) {
      return;
    }
    try {
      copy.writeToCopy(buffer, 0, length);
    } catch (SQLException e) {
      throw new IOException("COPY failed: " + e.getMessage(), e);
    }
    length = 0;
  }

  private void ensure(int bytes) {
    if (length + bytes > buffer.length) {
      buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes));
    }
  }

  private void putShort(int value) {
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
  }

  private void putInt(int value) {
    buffer[length++] = (byte) (value >>> 24);
    buffer[length++] = (byte) (value >>> 16);
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
  }

  private void putLong(long value) {
    putInt((int) (value >>> 32));
    putInt((int) value);
  }
}
