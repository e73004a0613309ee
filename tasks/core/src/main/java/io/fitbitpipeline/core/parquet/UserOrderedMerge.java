package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.io.api.Binary;

/**
 * Reads a table's files as one stream in the order of the table's key when the key starts with
 * {@code user_id}: a streaming k-way merge on user_id that emits, again and again, all consecutive
 * rows of the smallest current user_id (ties: the earlier file first). The transform writes one
 * file per date partition, each sorted by user_id then ts (or date): given in date order, the
 * stream comes out in (user_id, ts) order, so the warehouse's heap is in key order and PostgreSQL's
 * primary-key build after promote's insert finds presorted rows.
 *
 * <p>It only reorders: every row of every file is emitted exactly once whatever the files hold (an
 * unsorted file only makes the stream less ordered). user_id compares as its UTF-8 bytes, unsigned,
 * which is PostgreSQL's "C" collation; NULL first. Tables whose key does not start with a TEXT
 * user_id are read file after file.
 *
 * <p>Every file is open at once, each holding one row group: the caller bounds how many files it
 * merges in one call.
 */
public final class UserOrderedMerge {
  static final String USER_ID = "user_id";

  private UserOrderedMerge() {}

  /** Calls {@code sink} for every row of {@code files}; returns the rows read. */
  public static long read(WarehouseTable table, List<Path> files, FlatParquetRows.RowSink sink)
      throws IOException {
    int userColumn = userKeyColumn(table);
    if (userColumn < 0 || files.size() < 2) {
      long rows = 0;
      for (Path file : files) {
        rows += FlatParquetRows.read(table, file, sink);
      }
      return rows;
    }
    List<FlatParquetRows.Reader> readers = new ArrayList<>(files.size());
    long rows;
    try {
      for (Path file : files) {
        readers.add(FlatParquetRows.open(table, file));
      }
      rows = merge(readers, userColumn, sink);
    } catch (IOException | RuntimeException e) {
      closeAll(readers, e);
      throw e;
    }
    closeAll(readers, null);
    return rows;
  }

  /** The index of the table's first key column if it is a TEXT user_id, else -1. */
  static int userKeyColumn(WarehouseTable table) {
    if (table.key().isEmpty() || !USER_ID.equals(table.key().get(0))) {
      return -1;
    }
    for (int i = 0; i < table.columns().size(); i++) {
      if (table.columns().get(i).name().equals(USER_ID)) {
        return table.columns().get(i).type() == ColumnType.TEXT ? i : -1;
      }
    }
    return -1;
  }

  private static long merge(
      List<FlatParquetRows.Reader> readers, int userColumn, FlatParquetRows.RowSink sink)
      throws IOException {
    int n = readers.size();
    // Each file's current user_id (a copy: the row's bytes live in Parquet's page buffer), as
    // bytes to order files by and as a Binary to compare rows with; live[i] false when file i
    // ended.
    byte[][] users = new byte[n][];
    Binary[] userBinaries = new Binary[n];
    boolean[] live = new boolean[n];
    for (int i = 0; i < n; i++) {
      live[i] = readers.get(i).next();
      if (live[i]) {
        takeUser(readers.get(i).row(), userColumn, users, userBinaries, i);
      }
    }
    long rows = 0;
    while (true) {
      int smallest = -1;
      for (int i = 0; i < n; i++) {
        // Strictly smaller only: on a tie the earlier file (the earlier date) goes first.
        if (live[i] && (smallest < 0 || compare(users[i], users[smallest]) < 0)) {
          smallest = i;
        }
      }
      if (smallest < 0) {
        return rows;
      }
      FlatParquetRows.Reader reader = readers.get(smallest);
      Binary user = userBinaries[smallest];
      do {
        sink.accept(reader.row());
        rows++;
        if (!reader.next()) {
          live[smallest] = false;
          break;
        }
      } while (sameUser(reader.row(), userColumn, user));
      if (live[smallest]) {
        takeUser(reader.row(), userColumn, users, userBinaries, smallest);
      }
    }
  }

  private static void takeUser(
      FlatParquetRows.Row row, int column, byte[][] users, Binary[] binaries, int file) {
    if (row.isNull(column)) {
      users[file] = null;
      binaries[file] = null;
    } else {
      users[file] = row.getBinary(column).copy().getBytes();
      binaries[file] = Binary.fromConstantByteArray(users[file]);
    }
  }

  private static boolean sameUser(FlatParquetRows.Row row, int column, Binary user) {
    if (row.isNull(column)) {
      return user == null;
    }
    return user != null && user.equals(row.getBinary(column));
  }

  /** Unsigned byte order, a prefix first: PostgreSQL's "C" collation of UTF-8 text; NULL first. */
  static int compare(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return Arrays.compareUnsigned(a, b);
  }

  /**
   * Closes every reader; with a failure on the way out ({@code failing}), errors of closing are
   * attached to it instead of replacing it.
   */
  private static void closeAll(List<FlatParquetRows.Reader> readers, Exception failing)
      throws IOException {
    IOException first = null;
    for (FlatParquetRows.Reader reader : readers) {
      try {
        reader.close();
      } catch (IOException e) {
        if (failing != null) {
          failing.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
