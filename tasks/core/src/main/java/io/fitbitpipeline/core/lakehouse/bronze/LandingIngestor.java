package io.fitbitpipeline.core.lakehouse.bronze;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StoredObject;
import io.fitbitpipeline.core.lakehouse.LakeTableBatch;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bronze for the CSV landing files (registrations, gym logins): every line of every file not seen
 * before (by key and ETag, so a changed file is read again) goes to the lake and to
 * bronze.landing_rows, with the file recorded in bronze.landing_files in the same transaction.
 * Lines are kept as text; silver parses them and rejects the ones that do not parse.
 */
public final class LandingIngestor {
  /** Characters of one landing line kept in bronze; real lines are under 100. */
  public static final int MAX_LINE_CHARS = 65_536;

  /**
   * What bronze holds for a longer line: this marker (U+FFFE is a noncharacter, never in a real
   * file) and the line's length; RecordParser rejects it with that length.
   */
  public static final String OVERLONG_LINE = "\uFFFEline too long, characters: ";

  private final Warehouse warehouse;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final IngestBatches batches;
  private final String rawBucket;
  private final String landingPrefix;
  private final EventLog log;
  private final Clock clock;
  private final Path workRoot;

  public LandingIngestor(
      Warehouse warehouse,
      ObjectStore store,
      LakeLayout lake,
      IngestBatches batches,
      String rawBucket,
      String landingPrefix,
      EventLog log,
      Clock clock,
      Path workRoot) {
    this.warehouse = warehouse;
    this.store = store;
    this.lake = lake;
    this.batches = batches;
    this.rawBucket = rawBucket;
    this.landingPrefix = landingPrefix;
    this.log = log;
    this.clock = clock;
    this.workRoot = workRoot;
  }

  /** The landing folder of a source in the raw bucket, e.g. landing/registrations/. */
  public String folder(LakehouseSource source) {
    return landingPrefix + "/" + source.id() + "/";
  }

  public IngestResult run(LakehouseSource source, RunId run) throws SQLException, IOException {
    long start = System.nanoTime();
    int recovered = batches.recover(source.id(), false);
    Set<String> known = knownFiles(source);
    List<StoredObject> fresh = new ArrayList<>();
    store.list(
        rawBucket,
        folder(source),
        object -> {
          if (!known.contains(object.key() + "\n" + object.etag())) {
            fresh.add(object);
          }
        });
    if (fresh.isEmpty()) {
      return new IngestResult(source.id(), 0, 0, 0, recovered, seconds(start));
    }
    String batchId = source.id() + "-" + UUID.randomUUID();
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    String key = lake.bronzeFile(source.id(), today, batchId);
    LakeTableBatch table =
        new LakeTableBatch(LakehouseTables.LANDING_ROWS, workRoot.resolve(batchId));
    List<Long> rowsPerFile = new ArrayList<>();
    long rows = 0;
    try {
      for (StoredObject object : fresh) {
        long fileRows = readLines(source, object, table, key, today);
        rowsPerFile.add(fileRows);
        rows += fileRows;
      }
      batches.load(
          batchId,
          source.id(),
          table,
          rowsPerFile.stream().mapToLong(Long::longValue).sum(),
          run,
          c -> recordFiles(c, source, fresh, rowsPerFile, run));
    } finally {
      table.deleteLocal();
    }
    log.info(
        "ingest",
        source.id(),
        run,
        "landing files ingested",
        Map.of("files", fresh.size(), "lines", rows));
    return new IngestResult(source.id(), rows, 1, table.keys().size(), recovered, seconds(start));
  }

  /** Every non-blank line, header included (line 1), numbered as in the file. */
  private long readLines(
      LakehouseSource source, StoredObject object, LakeTableBatch table, String key, LocalDate day)
      throws IOException {
    long rows = 0;
    try (InputStream in = store.open(rawBucket, object.key())) {
      BoundedLines reader =
          new BoundedLines(new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE_CHARS);
      int number = 0;
      for (BoundedLines.Line read = reader.next(); read != null; read = reader.next()) {
        number++;
        // A line over the limit is not kept; silver rejects it with its length (the landing
        // file itself stays where it is).
        String line =
            read.text() == null ? OVERLONG_LINE + read.length() : StorableText.string(read.text());
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        table
            .writer(key, day)
            .set(0, source.id())
            .set(1, object.key())
            .set(2, object.etag())
            .set(3, number)
            .set(4, line)
            .write();
        rows++;
      }
    }
    return rows;
  }

  private Set<String> knownFiles(LakehouseSource source) throws SQLException {
    Set<String> known = new HashSet<>();
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT object_key, etag FROM bronze.landing_files WHERE source = ?")) {
      s.setString(1, source.id());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          known.add(rs.getString(1) + "\n" + rs.getString(2));
        }
      }
    }
    return known;
  }

  private void recordFiles(
      Connection c, LakehouseSource source, List<StoredObject> files, List<Long> rows, RunId run)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO bronze.landing_files (source, object_key, etag, rows, run_id,"
                + " ingested_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      Timestamp now = Timestamp.from(clock.instant());
      for (int i = 0; i < files.size(); i++) {
        s.setString(1, source.id());
        s.setString(2, files.get(i).key());
        s.setString(3, files.get(i).etag());
        s.setLong(4, rows.get(i));
        s.setString(5, run.value());
        s.setTimestamp(6, now);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
