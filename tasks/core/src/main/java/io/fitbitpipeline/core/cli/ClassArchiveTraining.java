package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.RawLayout;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.lake.StoredObject;
import io.fitbitpipeline.core.parquet.FlatParquetRows;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.LocalTransform;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.Warehouse;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The run a step image makes once while it is built, under {@code -XX:AOTCacheOutput} (JDK 25): the
 * classes it loads and links, and its methods' profiles, go into the image's AOT cache, which every
 * later start of the image maps instead of loading, verifying and linking those classes again. A
 * step is one pass in a fresh JVM, so that work was paid on every run (docs/performance.md, "Java
 * 25 and its AOT cache").
 *
 * <p>It needs no server, since nothing is reachable while an image builds: two days of the sample
 * week, quirks and broken files included (so the quarantine path is loaded too), go through the
 * transform's reader, validator and Parquet writers ({@link LocalTransform}) into a temporary
 * folder and are read back as the load step reads them ({@link FlatParquetRows}). Then the S3
 * client and the warehouse's JDBC driver send their requests to a loopback port where nothing
 * listens ({@link #sendToNowhere}): their set-up, request and connection code is trained up to the
 * refused connection; only the parsing of answers is not.
 */
public final class ClassArchiveTraining {
  /** The sample week's first two days: a date change closes and opens the writers once. */
  private static final Window WINDOW =
      new Window(LocalDate.parse("2026-11-16"), LocalDate.parse("2026-11-17"));

  private final Path tmp;
  private final PrintStream out;

  public ClassArchiveTraining(Path tmp, PrintStream out) {
    this.tmp = tmp;
    this.out = out;
  }

  public static ClassArchiveTraining fromSystem() {
    return new ClassArchiveTraining(Path.of(System.getProperty("java.io.tmpdir")), System.out);
  }

  /** Transforms and reads back; returns the exit code (0), or throws when the rows disagree. */
  public int run() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "class-archive-training");
    try {
      Map<Activity, List<Path>> files = writeRawFiles(dir.resolve("raw"));
      Path lake = dir.resolve("lake");
      LocalTransform.Totals totals = LocalTransform.run(files, lake, 1);
      long written = totals.rows().values().stream().mapToLong(r -> r[0]).sum();
      long read = readIntradayRows(lake);
      if (read != written) {
        throw new IllegalStateException(
            "class archive training wrote " + written + " intraday rows but read " + read);
      }
      int refused = sendToNowhere(dir);
      out.printf(
          "class archive training: %d files, %d quarantined, %d intraday rows written and read"
              + " back, %d requests refused%n",
          files.values().stream().mapToInt(List::size).sum(), totals.quarantined(), read, refused);
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The S3 client (built as every step builds it) lists, reads, checks, writes and uploads, and the
   * warehouse connects through both dialects' drivers, all to a loopback port that was just free:
   * each request is refused. A step otherwise loaded about 2,600 classes of the AWS SDK (client
   * set-up, endpoint rules, request marshalling, signing, the HTTP client) and its JDBC driver's
   * from its jars on every start. No server answers while an image builds, and a refused connection
   * needs none. Returns how many requests were refused; one that was not is an error (something
   * listened on that port).
   */
  private static int sendToNowhere(Path dir) throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    PipelineConfig config =
        PipelineConfig.fromEnvironment(Map.of())
            .withS3(
                URI.create("http://127.0.0.1:" + port),
                new PipelineConfig.StaticCredentials("training", "training"))
            .withWarehouse("jdbc:postgresql://127.0.0.1:" + port + "/training", "training", "");
    Path upload = Files.write(dir.resolve("upload.parquet"), new byte[] {'P', 'A', 'R', '1'});
    // The SDK logs each retry of a refused request: none of it belongs in an image's build log.
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int refused = 0;
    try (S3Client s3 = S3Clients.create(config, quiet)) {
      ObjectStore store = new S3ObjectStore(s3);
      LakeLayout lake = new LakeLayout("training");
      Warehouse postgres = Warehouse.create(config, store, lake);
      Warehouse redshift =
          Warehouse.create(
              config.withWarehouse(
                  "jdbc:redshift://127.0.0.1:" + port + "/training", "training", ""),
              store,
              lake);
      List<Refusable> requests =
          List.of(
              () -> store.list("training", "raw/", object -> {}),
              () -> store.open("training", "raw/user01/2026-11-16/steps.json").close(),
              () -> store.exists("training", "manifests/extract.json"),
              () -> store.put("training", "manifests/transform.json", new byte[] {'{', '}'}),
              () -> store.putFile("training", "staging/steps.parquet", upload),
              () -> postgres.connect().close(),
              () -> redshift.connect().close());
      for (Refusable request : requests) {
        try {
          request.send();
        } catch (IOException | SQLException | RuntimeException e) {
          refused++;
          continue;
        }
        throw new IllegalStateException("a training request to 127.0.0.1:" + port + " succeeded");
      }
    }
    return refused;
  }

  /** One request of {@link #sendToNowhere}. */
  @FunctionalInterface
  private interface Refusable {
    void send() throws IOException, SQLException;
  }

  /**
   * The sample files laid out as the raw bucket is, keys that are no activity's file left out; in
   * date order, as {@link LocalTransform} takes them (one date's writers open at a time).
   */
  private static Map<Activity, List<Path>> writeRawFiles(Path raw) throws IOException {
    RawLayout layout = new RawLayout("");
    List<RawFile> fits = new ArrayList<>();
    for (Map.Entry<String, byte[]> sample : SampleWeek.generate(WINDOW).entrySet()) {
      String key = sample.getKey();
      if (layout.parse(new StoredObject(key, "", sample.getValue().length))
          instanceof RawLayout.Fits fit) {
        Path file = raw.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, sample.getValue());
        fits.add(fit.file());
      }
    }
    fits.sort(Comparator.comparing(RawFile::date).thenComparing(RawFile::userId));
    Map<Activity, List<Path>> files = new EnumMap<>(Activity.class);
    for (RawFile file : fits) {
      files.computeIfAbsent(file.activity(), a -> new ArrayList<>()).add(raw.resolve(file.key()));
    }
    return files;
  }

  /** Every intraday table's rows, read back with the load step's reader. */
  private static long readIntradayRows(Path lake) throws IOException {
    long rows = 0;
    for (Activity activity : Activity.values()) {
      WarehouseTable table = Tables.intraday(activity);
      String prefix = table.name() + "-";
      try (Stream<Path> all = Files.walk(lake)) {
        for (Path file : all.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
          try (FlatParquetRows.Reader reader = FlatParquetRows.open(table, file)) {
            while (reader.next()) {
              rows++;
            }
          }
        }
      }
    }
    return rows;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
