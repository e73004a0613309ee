package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.ParquetTableReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL, the local and test stand-in for Redshift. PostgreSQL cannot read Parquet from S3, so
 * the loader streams the same lake files through COPY ... FROM STDIN.
 */
public final class PostgresDialect implements WarehouseDialect {
  private final ObjectStore store;
  private final LakeLayout lake;

  public PostgresDialect(ObjectStore store, LakeLayout lake) {
    this.store = store;
    this.lake = lake;
  }

  @Override
  public String id() {
    return "postgresql";
  }

  @Override
  public String secondsBetween(String from, String to) {
    return "EXTRACT(EPOCH FROM (" + to + " - " + from + "))";
  }

  @Override
  public String createTable(WarehouseTable table, String schema, boolean withKey) {
    return createTableBody(table, schema, withKey);
  }

  @Override
  public List<String> supportingStatements() {
    return List.of(
        "CREATE INDEX IF NOT EXISTS rejected_points_source_key ON fitbit_ops.rejected_points (source_key)",
        "CREATE INDEX IF NOT EXISTS file_ledger_activity ON fitbit_ops.file_ledger (activity, user_id, date)");
  }

  @Override
  public void lockStaging(Connection connection, io.fitbitpipeline.core.activity.Activity activity)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Key space 7305723, one lock per activity; released when the transaction ends.
      statement.execute("SELECT pg_advisory_xact_lock(7305723, " + activity.ordinal() + ")");
    }
  }

  @Override
  public void lockForMigration(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Six steps may start at once on an empty warehouse; one of them migrates, the rest wait.
      statement.execute("SELECT pg_advisory_xact_lock(7305721)");
    }
  }

  @Override
  public long copyToStaging(Connection connection, StagingLoad load)
      throws SQLException, IOException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    String sql =
        "COPY "
            + load.target()
            + " ("
            + load.table().quotedColumnList()
            + ") FROM STDIN WITH (FORMAT text)";
    long rows = 0;
    Path temp = Files.createTempFile("fitbit-load-", ".parquet");
    try {
      for (StagedFile file : load.files()) {
        store.download(lake.bucket(), file.key(), temp);
        CopyIn copy = pg.getCopyAPI().copyIn(sql);
        try {
          TextRowEncoder encoder = new TextRowEncoder(copy);
          rows += ParquetTableReader.read(load.table(), temp, encoder::write);
          encoder.flush();
          copy.endCopy();
        } catch (SQLException | IOException | RuntimeException e) {
          cancel(copy, e);
          throw e;
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return rows;
  }

  /**
   * Ends a COPY that failed. On a connection that is gone (backend terminated, server restarted)
   * the cancel fails too, with "Database connection failed when canceling copy operation": that
   * must not replace the error that says what happened, so it is attached to it.
   */
  private static void cancel(CopyIn copy, Exception failure) {
    try {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** PostgreSQL's COPY text format: tab-separated, \N for NULL, backslash escapes. */
  private static final class TextRowEncoder {
    private final CopyIn copy;
    private final StringBuilder buffer = new StringBuilder(1 << 16);

    TextRowEncoder(CopyIn copy) {
      this.copy = copy;
    }

    void write(Object[] row) throws IOException {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          buffer.append('\t');
        }
        Object value = row[i];
        if (value == null) {
          buffer.append("\\N");
        } else if (value instanceof String text) {
          escape(text);
        } else {
          buffer.append(value);
        }
      }
      buffer.append('\n');
      if (buffer.length() > 60_000) {
        flush();
      }
    }

    private void escape(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '\\' -> buffer.append("\\\\");
          case '\t' -> buffer.append("\\t");
          case '\n' -> buffer.append("\\n");
          case '\r' -> buffer.append("\\r");
          default -> buffer.append(c);
        }
      }
    }

    void flush() throws IOException {
      if (buffer.length() == 0) {
        return;
      }
      byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
      try {
        copy.writeToCopy(bytes, 0, bytes.length);
      } catch (SQLException e) {
        throw new IOException("COPY failed: " + e.getMessage(), e);
      }
      buffer.setLength(0);
    }
  }
}
