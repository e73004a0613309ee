package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.cli.ExitCodes;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The servers and the input every fault case shares: a real PostgreSQL on loopback and s3proxy,
 * three days of the sample for seven users and its odd keys, chosen so that the ledger holds
 * quarantined files and the rejects table rows (users 11, 12, 13), and a byte-order mark, the
 * legacy heart form and a gap are in (03, 05, 07). Each case gets a {@link Scenario}: a database
 * and two buckets of its own, the same input, and ways to run the pipeline in this JVM or as
 * separate step processes, as the DAG runs it.
 */
final class FaultBench implements AutoCloseable {
  static final Window WINDOW = Window.dates("2026-11-16", "2026-11-18");

  final LocalPostgres postgres;
  final LocalS3 s3;
  final Path root;
  private final Map<String, byte[]> input;
  private io.fitbitpipeline.localstack.LocalKafka kafka;

  FaultBench(Path root) throws Exception {
    this.root = root;
    this.postgres = LocalPostgres.start(root.resolve("postgres"));
    this.s3 = LocalS3.start(root.resolve("s3"));
    this.input = new TreeMap<>();
    SampleWeek.generate(WINDOW)
        .forEach(
            (key, content) -> {
              if (key.matches("user(01|03|05|07|11|12|13)/.*") || !key.matches("user\\d\\d/.*")) {
                input.put(key, content);
              }
            });
  }

  /** A fresh database and buckets named after the case, holding the input. */
  Scenario scenario(String name) throws Exception {
    String id = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + id + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + id);
    }
    String jdbc = postgres.jdbcUrl().replaceAll("/[^/]+$", "/" + id);
    String bucket = id.replace('_', '-');
    PipelineConfig config =
        PipelineConfig.fromEnvironment(
                Map.of("RAW_BUCKET", "raw-" + bucket, "LAKE_BUCKET", "lake-" + bucket))
            .withS3(
                s3.endpoint(),
                new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
            .withWarehouse(jdbc, postgres.user(), "");
    ObjectStore store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    Path inputDir = root.resolve("input-" + id);
    for (Map.Entry<String, byte[]> file : input.entrySet()) {
      Path target = inputDir.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    new RawUploader(store, config.rawBucket(), config.rawPrefix()).upload(inputDir);
    return new Scenario(id, config, store, root.resolve("state-" + id), inputDir);
  }

  /** A Kafka broker (a child JVM), started on first use: only the lakehouse case needs it. */
  synchronized io.fitbitpipeline.localstack.LocalKafka kafka() throws IOException {
    if (kafka == null) {
      kafka = io.fitbitpipeline.localstack.LocalKafka.start(root.resolve("kafka"));
    }
    return kafka;
  }

  @Override
  public void close() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    postgres.close();
    s3.close();
    // Every case's database, buckets, state and logs: gigabytes over a few runs.
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** One case's warehouse, buckets and state folder. */
  record Scenario(
      String id, PipelineConfig config, ObjectStore store, Path stateDir, Path inputDir) {

    Connection connect() throws SQLException {
      return DriverManager.getConnection(config.jdbcUrl(), config.warehouseUser(), "");
    }

    WarehouseSnapshot snapshot() throws SQLException {
      try (Connection c = connect()) {
        return WarehouseSnapshot.of(c);
      }
    }

    /** The pipeline in this JVM, through S3 at {@code s3}, transforming in {@code work}. */
    Pipeline pipeline(URI s3, ByteArrayOutputStream output, Path work) throws IOException {
      PipelineConfig via =
          config.withS3(
              s3, new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
      PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
      return new Pipeline(
          via,
          new S3ObjectStore(S3Clients.create(via, out)),
          new EventLog(out, EventLog.Format.TEXT, Clock.systemUTC(), Manifests.objectMapper()),
          Clock.systemUTC(),
          Files.createDirectories(work));
    }

    Pipeline pipeline(ByteArrayOutputStream output) throws IOException {
      return pipeline(config.s3Endpoint().orElseThrow(), output, stateDir.resolve("work"));
    }

    /** A whole-window run in this JVM, through S3 at {@code s3} (the proxy or the server). */
    int run(URI s3, String runId, ByteArrayOutputStream output) throws IOException {
      return run(s3, runId, output, WINDOW);
    }

    int run(URI s3, String runId, ByteArrayOutputStream output, Window window) throws IOException {
      PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
      Pipeline pipeline = pipeline(s3, output, stateDir.resolve("work"));
      return new ExitCodes(out)
          .run(
              () ->
                  new WindowRunner(pipeline, out, 3)
                      .run(Arrays.asList(Activity.values()), window, new RunId(runId)));
    }

    int run(String runId, ByteArrayOutputStream output) throws IOException {
      return run(config.s3Endpoint().orElseThrow(), runId, output);
    }

    /** The environment of a launcher child process on this scenario's servers. */
    Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AWS_ENDPOINT_URL_S3", config.s3Endpoint().orElseThrow().toString());
      env.put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
      env.put("AWS_REGION", config.region());
      env.put("WAREHOUSE_JDBC_URL", config.jdbcUrl());
      env.put("WAREHOUSE_USER", config.warehouseUser());
      env.put("RAW_BUCKET", config.rawBucket());
      env.put("LAKE_BUCKET", config.lakeBucket());
      env.put("PIPELINE_STATE_DIR", stateDir.toString());
      env.put("LOG_FORMAT", "text");
      return env;
    }

    /** A launcher command as its own process ({@code ./pipeline ARGS}), output to a file. */
    LauncherProcess start(List<String> args) throws IOException {
      return LauncherProcess.start(environment(), args, stateDir.resolve("logs"));
    }

    /** The window's step options. */
    static List<String> window() {
      return List.of("--from", WINDOW.from().toString(), "--to", WINDOW.to().toString());
    }
  }
}
