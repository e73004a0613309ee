package io.fitbitpipeline.core.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.format.DayOfData;
import io.fitbitpipeline.core.format.DayValidator;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.format.InvalidFileException;
import io.fitbitpipeline.core.format.RawBody;
import io.fitbitpipeline.core.format.RawDayReader;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile raw files through the real steps (extract, transform, load, promote) against the real
 * S3-API server and PostgreSQL: each one is quarantined with its reason, the good files of the same
 * run are loaded, and the whole test runs in a JVM capped at 256 MB of heap (the core module's
 * "hostile-input" Surefire execution), which is what "memory stays flat" means here.
 */
class HostileInputTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 16);
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-22");
  private static final long GIB = 1L << 30;

  @TempDir Path temp;
  private PipelineConfig config;
  private ObjectStore store;
  private Pipeline pipeline;

  @BeforeEach
  void freshBucketsAndWarehouse() throws Exception {
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    config = servers.config("raw-" + suffix, "lake-" + suffix, Map.of("LOOKBACK_WEEKS", "0"));
    store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    pipeline =
        new Pipeline(
            config, store, log, Clock.systemUTC(), Files.createTempDirectory(temp, "work"));
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
  }

  /** The 1 GiB object and its quarantine copy would otherwise stay in the test servers' folder. */
  @AfterEach
  void deleteTheBigObjects() {
    store.delete(config.rawBucket(), key("onegib"));
    store.delete(
        config.lakeBucket(),
        new LakeLayout(config.lakeBucket()).quarantined(Activity.STEPS, key("onegib")));
  }

  @AfterEach
  void logHeap() {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "heap: max %d MB, used now %d MB%n",
        rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  /** A valid steps day: summary plus {@code minutes} minutes of intraday data, one line. */
  static String stepsDay(LocalDate date, int minutes) {
    StringBuilder json = new StringBuilder();
    json.append("{\"activities-steps\":[{\"dateTime\":\"")
        .append(date)
        .append("\",\"value\":\"")
        .append(minutes * 10)
        .append("\"}],\"activities-steps-intraday\":{\"dataset\":[");
    for (int m = 0; m < minutes; m++) {
      json.append(m == 0 ? "" : ",")
          .append("{\"time\":\"")
          .append(FitbitDayParser.formatTime(m * 60))
          .append("\",\"value\":10}");
    }
    return json.append("],\"datasetInterval\":1,\"datasetType\":\"minute\"}}").toString();
  }

  private String key(String user) {
    return "raw/" + user + "/" + DAY + "/steps.json";
  }

  private void put(String user, byte[] content) {
    store.put(config.rawBucket(), key(user), content);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  /** A deflate stream as gzip carries it, without gzip's 10-byte header and its trailer. */
  private static byte[] deflateWithoutGzipHeader(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d =
        new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
      d.write(content);
    }
    return out.toByteArray();
  }

  /** 200 MB of spaces (valid JSON whitespace) gzipped to about 200 KB. */
  private static byte[] gzipBomb() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] spaces = new byte[1 << 20];
    java.util.Arrays.fill(spaces, (byte) ' ');
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write('{');
      for (int i = 0; i < 200; i++) {
        gz.write(spaces);
      }
      gz.write('}');
    }
    return out.toByteArray();
  }

  /**
   * A 1 GiB single-line Fitbit-shaped file written to disk in 1 MB pieces: the summary, then one
   * minute's point repeated to the size, then the closing brackets.
   */
  private Path oneGibSingleLine() throws IOException {
    Path file = temp.resolve("one-gib.json");
    byte[] head = utf8("{\"activities-steps\":[{\"dateTime\":\"" + DAY + "\",\"value\":\"0\"}],");
    byte[] open = utf8("\"activities-steps-intraday\":{\"dataset\":[");
    byte[] tail = utf8("{\"time\":\"00:00:00\",\"value\":1}]}}");
    byte[] point = utf8("{\"time\":\"00:00:00\",\"value\":1},");
    byte[] block = new byte[(1 << 20) / point.length * point.length];
    for (int i = 0; i < block.length; i += point.length) {
      System.arraycopy(point, 0, block, i, point.length);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head);
      out.write(open);
      long written = head.length + open.length;
      while (written + block.length + tail.length <= GIB) {
        out.write(block);
        written += block.length;
      }
      byte[] pad = new byte[(int) (GIB - written - tail.length)];
      java.util.Arrays.fill(pad, (byte) ' ');
      out.write(pad);
      out.write(tail);
    }
    assertEquals(GIB, Files.size(file));
    return file;
  }

  @Test
  void everyHostileFileIsQuarantinedWithItsReasonAndTheGoodFilesOfTheRunAreLoaded()
      throws Exception {
    long start = System.nanoTime();
    put("good01", utf8(stepsDay(DAY, 1440)));
    put("good02", utf8(stepsDay(DAY, 600)));
    // A real gzip body (uploaded with Content-Encoding: gzip, say) is decompressed and loaded.
    put("gzipped", gzip(utf8(stepsDay(DAY, 1440))));

    Path big = oneGibSingleLine();
    store.putFile(config.rawBucket(), key("onegib"), big);
    Files.delete(big);
    // In a field the parser skips, so only the depth limit can stop it.
    put(
        "deep",
        utf8(
            "{\"activities-steps\":[],\"extra\":"
                + "[".repeat(10_000)
                + "]".repeat(10_000)
                + ",\"activities-steps-intraday\":{\"dataset\":[]}}"));
    put(
        "longnumber",
        utf8(
            "{\"activities-steps\":[],\"activities-steps-intraday\":{\"dataset\":"
                + "[{\"time\":\"00:00:00\",\"value\":1"
                + "0".repeat(99_999)
                + "}]}}"));
    byte[] valid = utf8(stepsDay(DAY, 3));
    byte[] badUtf8 = valid.clone();
    int at = new String(valid, StandardCharsets.UTF_8).indexOf("minute");
    badUtf8[at] = (byte) 0xC3; // a lead byte followed by 'i': not UTF-8
    put("badutf8", badUtf8);
    put("headerless", deflateWithoutGzipHeader(utf8(stepsDay(DAY, 1440))));
    put("gzipbomb", gzipBomb());
    put(
        "longstring",
        utf8(
            "{\"activities-steps\":[{\"dateTime\":\""
                + DAY
                + "\",\"value\":\""
                + "9".repeat(10_000_000)
                + "\"}]}"));
    // Valid JSON with a NUL in a string: the point is rejected and its raw value stored.
    put(
        "nul",
        utf8(
            stepsDay(DAY, 3)
                .replace(
                    "\"dataset\":[",
                    "\"dataset\":[{\"time\":\"00:05:00\",\"value\":\"a\\u0000b\"},")));
    System.out.printf("hostile files uploaded in %.1f s%n", (System.nanoTime() - start) / 1e9);

    RunId run = new RunId("hostile-1");
    pipeline.extractor().run(Activity.STEPS, WINDOW, run, false);
    pipeline.transformer().run(Activity.STEPS, WINDOW, run);
    pipeline.loader().run(Activity.STEPS, WINDOW, run);
    pipeline.promoter().run(List.of(Activity.STEPS), WINDOW, run);
    System.out.printf("run with hostile files: %.1f s%n", (System.nanoTime() - start) / 1e9);

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("onegib", "file is 1073741824 bytes, more than 64 MiB, the raw file limit");
    expected.put("deep", "over an input limit: Document nesting depth (33) exceeds the maximum");
    expected.put("longnumber", "over an input limit: Number value length (100000) exceeds");
    expected.put("badutf8", "not UTF-8 text: Invalid UTF-8 middle byte 0x69");
    expected.put("headerless", "malformed JSON: ");
    expected.put("gzipbomb", "gzip body decompresses to more than 64 MiB, the raw file limit");
    expected.put("longstring", "over an input limit: String value length (");
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String user : expected.keySet()) {
      reasons.put(
          user,
          text(
              "SELECT status || ': ' || reason FROM fitbit_ops.file_ledger WHERE source_key = '"
                  + key(user)
                  + "'"));
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String reason = reasons.get(e.getKey());
      assertTrue(
          reason != null && reason.startsWith("quarantined: " + e.getValue()),
          e.getKey() + ": " + reason);
      String copy =
          new LakeLayout(config.lakeBucket()).quarantined(Activity.STEPS, key(e.getKey()));
      assertTrue(store.exists(config.lakeBucket(), copy), "kept whole in quarantine: " + copy);
      String note = read(config.lakeBucket(), copy + ".reason.txt");
      assertTrue(note.contains("source: s3://" + config.rawBucket() + "/" + key(e.getKey())), note);
      assertTrue(note.contains("reason: " + e.getValue()), note);
    }
    assertEquals(
        "loaded",
        text("SELECT status FROM fitbit_ops.file_ledger WHERE source_key = '" + key("nul") + "'"));
    assertEquals(
        "\"a\\u0000b\" value is not a number",
        text(
            "SELECT raw_value || ' ' || reason FROM fitbit_ops.rejected_points"
                + " WHERE source_key = '"
                + key("nul")
                + "'"));

    // The run went on: the good files and the gzip body are in production.
    assertEquals(
        "good01=14400 good02=6000 gzipped=14400 nul=30",
        text(
            "SELECT STRING_AGG(user_id || '=' || value, ' ' ORDER BY user_id)"
                + " FROM fitbit.steps_daily"));
    assertEquals(
        1440 + 600 + 1440 + 3, Long.parseLong(text("SELECT COUNT(*) FROM fitbit.steps_intraday")));
    assertEquals(
        "7 quarantined, 4 loaded",
        text(
            "SELECT SUM(CASE WHEN status = 'quarantined' THEN 1 ELSE 0 END) || ' quarantined, '"
                + " || SUM(CASE WHEN status = 'loaded' THEN 1 ELSE 0 END) || ' loaded'"
                + " FROM fitbit_ops.file_ledger"));

    // A rerun reads nothing again: every file, quarantined or loaded, is in the ledger.
    RunId rerun = new RunId("hostile-2");
    assertEquals(0, pipeline.extractor().run(Activity.STEPS, WINDOW, rerun, true).files().size());
  }

  /**
   * The streaming parser itself on a 1 GiB single-line file (generated on the fly, never held):
   * with the file limit lifted it reads all of it in this 256 MB heap, an 86,400-slot day whatever
   * the size, and counts every repeat as a duplicate.
   */
  @Test
  void theParserStreamsAGibibyteInFlatMemory() throws Exception {
    InputLimits unlimitedSize = new InputLimits(Long.MAX_VALUE, 32, 100_000, 1_000, 100);
    RawDayReader reader =
        new RawDayReader(
            new RawBody(unlimitedSize),
            new FitbitDayParser(unlimitedSize.jsonFactory()),
            new DayValidator());
    DayOfData day = new DayOfData();
    long start = System.nanoTime();
    try (InputStream in = new RepeatingDay(GIB)) {
      reader.read(in, Activity.STEPS, DAY, day);
    }
    System.out.printf("1 GiB parsed in %.1f s%n", (System.nanoTime() - start) / 1e9);
    assertEquals(1, day.pointCount());
    assertTrue(day.duplicates() > 30_000_000, "duplicates: " + day.duplicates());

    // With the pipeline's limits the same stream stops at 64 MiB with the reason.
    RawDayReader limited = new RawDayReader();
    try (InputStream in = new RepeatingDay(GIB)) {
      InvalidFileException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvalidFileException.class, () -> limited.read(in, Activity.STEPS, DAY, day));
      assertEquals("file is more than 64 MiB, the raw file limit", e.reason());
    }
  }

  /** {"activities-steps":[...],"activities-steps-intraday":{"dataset":[point,point,...]}}. */
  private static final class RepeatingDay extends InputStream {
    private final byte[] head =
        utf8(
            "{\"activities-steps\":[{\"dateTime\":\""
                + DAY
                + "\",\"value\":\"1\"}],\"activities-steps-intraday\":{\"dataset\":[");
    private final byte[] point = utf8("{\"time\":\"00:00:00\",\"value\":1},");
    private final byte[] tail = utf8("{\"time\":\"00:00:00\",\"value\":1}]}}");
    private final long size;
    private long position;

    RepeatingDay(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      long points = (size - head.length - tail.length) / point.length * point.length;
      int done = 0;
      // Copies whole runs (head, points, padding, tail) rather than byte by byte.
      while (done < n) {
        long p = position + done;
        int room = n - done;
        int copied;
        if (p < head.length) {
          copied = Math.min(room, head.length - (int) p);
          System.arraycopy(head, (int) p, buffer, offset + done, copied);
        } else if (p >= size - tail.length) {
          int at = (int) (p - (size - tail.length));
          copied = Math.min(room, tail.length - at);
          System.arraycopy(tail, at, buffer, offset + done, copied);
        } else if (p - head.length < points) {
          long body = p - head.length;
          int at = (int) (body % point.length);
          copied = (int) Math.min(Math.min(room, point.length - at), points - body);
          System.arraycopy(point, at, buffer, offset + done, copied);
        } else {
          // Padding between the last whole point and the tail is JSON whitespace.
          copied = (int) Math.min(room, size - tail.length - p);
          java.util.Arrays.fill(buffer, offset + done, offset + done + copied, (byte) ' ');
        }
        done += copied;
      }
      position += n;
      return n;
    }
  }

  private String read(String bucket, String key) throws IOException {
    try (InputStream in = store.open(bucket, key)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String text(String sql) throws SQLException {
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
