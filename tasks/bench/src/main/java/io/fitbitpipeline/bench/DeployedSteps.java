package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The steps as deployed: the extract and transform step apps (Quarkus jars, a fresh JVM per
 * activity, with the images' JVM flags) against a real S3-API server and PostgreSQL on loopback;
 * the load step's code against psql's \copy of the same rows.
 */
final class DeployedSteps implements AutoCloseable {
  /**
   * Where the step images' JVM flags are defined: the bench reads them from the ENTRYPOINT of this
   * Dockerfile, so it measures the flags that ship and cannot drift from them.
   */
  static final String STEP_DOCKERFILE = "images/Dockerfile.jvm-prebuilt";

  private static final Pattern ENTRYPOINT = Pattern.compile("(?s)\\nENTRYPOINT \\[(.*?)\\]");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  private final Path root;
  private final BenchWeek week;
  private final Path work;
  private final LocalS3 s3;
  private final LocalPostgres postgres;
  private final PipelineConfig config;
  private final ObjectStore store;
  private final RunId run = new RunId("bench-deployed");

  /** Per step app, the images' JVM flags with an AOT cache made here (ClassArchives). */
  private final Map<String, List<String>> stepJvmFlags = new LinkedHashMap<>();

  private DeployedSteps(
      Path root, BenchWeek week, Path work, LocalS3 s3, LocalPostgres postgres, PipelineConfig c) {
    this.root = root;
    this.week = week;
    this.work = work;
    this.s3 = s3;
    this.postgres = postgres;
    this.config = c;
    this.store = new S3ObjectStore(S3Clients.create(c));
  }

  private void trainClassArchives() throws Exception {
    List<String> imageFlags = imageJvmFlags(root);
    ClassArchives archives =
        new ClassArchives(work.resolve("class-archives"), work.resolve("class-archives"));
    for (String step : List.of("extract", "transform", "load", "promote")) {
      stepJvmFlags.put(step, archives.stepFlags(root, step, imageFlags));
    }
  }

  /**
   * The JVM options of the step images' ENTRYPOINT (everything between "java" and "-jar"); the
   * image's entrypoint runs java from the image's PATH, the bench this JVM's binary.
   */
  static List<String> imageJvmFlags(Path root) {
    Path dockerfile = root.resolve(STEP_DOCKERFILE);
    String text;
    try {
      text = Files.readString(dockerfile).replace("\\\n", " ");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the step image's flags: " + dockerfile, e);
    }
    Matcher entry = ENTRYPOINT.matcher(text);
    if (!entry.find()) {
      throw new IllegalStateException(dockerfile + ": no exec-form ENTRYPOINT");
    }
    List<String> words = new ArrayList<>();
    Matcher word = QUOTED.matcher(entry.group(1));
    while (word.find()) {
      words.add(word.group(1));
    }
    int jar = words.indexOf("-jar");
    if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
      throw new IllegalStateException(dockerfile + ": ENTRYPOINT is not java ... -jar: " + words);
    }
    return List.copyOf(words.subList(1, jar));
  }

  static DeployedSteps start(Path root, BenchWeek week, Path work) throws Exception {
    Files.createDirectories(work);
    LocalS3 s3 = LocalS3.start(work.resolve("s3"));
    LocalPostgres postgres;
    try {
      postgres = LocalPostgres.start(work.resolve("postgres"));
    } catch (IOException | RuntimeException e) {
      s3.close();
      throw e;
    }
    PipelineConfig config =
        PipelineConfig.fromEnvironment(Map.of("LOOKBACK_WEEKS", "0"))
            .withS3(
                s3.endpoint(),
                new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
            .withWarehouse(postgres.jdbcUrl(), postgres.user(), "");
    DeployedSteps steps = new DeployedSteps(root, week, work, s3, postgres, config);
    try {
      steps.trainClassArchives();
      steps.upload();
    } catch (Exception e) {
      steps.close();
      throw e;
    }
    return steps;
  }

  private void upload() throws IOException {
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    try (Stream<Path> files = Files.walk(week.dir())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        String key = week.dir().relativize(file).toString().replace('\\', '/');
        store.putFile(config.rawBucket(), config.rawPrefix() + "/" + key, file);
      }
    }
  }

  /** The variables a step container gets, with S3 reached at {@code s3Endpoint}. */
  private Map<String, String> stepEnv(URI s3Endpoint) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String keep : List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TMPDIR")) {
      if (System.getenv(keep) != null) {
        env.put(keep, System.getenv(keep));
      }
    }
    env.put("RAW_BUCKET", config.rawBucket());
    env.put("RAW_PREFIX", config.rawPrefix());
    env.put("LAKE_BUCKET", config.lakeBucket());
    env.put("AWS_REGION", config.region());
    env.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
    env.put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
    env.put("WAREHOUSE_JDBC_URL", config.jdbcUrl());
    env.put("WAREHOUSE_USER", config.warehouseUser());
    env.put("WAREHOUSE_PASSWORD", "");
    env.put("LOOKBACK_WEEKS", "0");
    env.put("LOG_FORMAT", "text");
    return env;
  }

  private List<String> step(String name, Activity activity, List<String> extraJvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(stepJvmFlags.get(name));
    command.addAll(extraJvmOptions);
    command.add("-jar");
    command.add(root.resolve("tasks/" + name + "/target/quarkus-app/quarkus-run.jar").toString());
    if (activity != null) {
      command.addAll(List.of("--activity", activity.id()));
    }
    command.addAll(
        List.of(
            "--from",
            week.window().from().toString(),
            "--to",
            week.window().to().toString(),
            "--run-id",
            run.value()));
    return command;
  }

  /** Extract once per activity: transform's input manifests. */
  void extract(Path logs) throws Exception {
    for (Activity activity : Activity.values()) {
      check(
          ChildProcess.run(
              step("extract", activity, List.of()),
              stepEnv(s3.endpoint()),
              logs,
              "extract-" + activity));
    }
  }

  /**
   * The six transform steps one after the other, each a fresh JVM, S3 reached directly or through a
   * proxy adding {@code latencyMillis} per request. Returns {seconds, max peak RSS in kB}.
   */
  double[] transformAll(Path logs, long latencyMillis, String label) throws Exception {
    return transformAll(logs, latencyMillis, label, List.of());
  }

  /** The same with JVM options after the image's (a flag variant to compare, a profiler). */
  double[] transformAll(Path logs, long latencyMillis, String label, List<String> extraJvmOptions)
      throws Exception {
    // Every request the proxy holds, with its time and activity: which requests a step still makes
    // one after the other (logs/LABEL-requests.log).
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> current = new AtomicReference<>("");
    long origin = System.nanoTime();
    LatencyProxy proxy =
        latencyMillis > 0
            ? new LatencyProxy(
                s3.endpoint().getHost(),
                s3.endpoint().getPort(),
                latencyMillis,
                line ->
                    requests.add(
                        String.format(
                            Locale.ROOT,
                            "%.1f %s %s",
                            (System.nanoTime() - origin) / 1e6,
                            current.get(),
                            line)))
            : null;
    try {
      URI endpoint = proxy == null ? s3.endpoint() : URI.create("http://127.0.0.1:" + proxy.port());
      double seconds = 0;
      long rss = -1;
      for (Activity activity : Activity.values()) {
        current.set(activity.id());
        ChildProcess.Result r =
            ChildProcess.run(
                step("transform", activity, extraJvmOptions),
                stepEnv(endpoint),
                logs,
                label + "-" + activity);
        check(r);
        seconds += r.seconds();
        rss = Math.max(rss, r.peakRssKb());
      }
      return new double[] {seconds, rss};
    } finally {
      if (proxy != null) {
        proxy.close();
        Files.createDirectories(logs);
        synchronized (requests) {
          Files.write(logs.resolve(label + "-requests.log"), requests);
        }
      }
    }
  }

  /**
   * The load step app per activity, then the promote step app: fresh JVMs with the images' flags,
   * after {@link #transformAll}. Returns {load peak RSS kB (max), promote peak RSS kB, load
   * seconds, promote seconds}.
   */
  double[] loadAndPromoteSteps(Path logs, String label) throws Exception {
    long loadRss = -1;
    double loadSeconds = 0;
    for (Activity activity : Activity.values()) {
      ChildProcess.Result r =
          ChildProcess.run(
              step("load", activity, List.of()),
              stepEnv(s3.endpoint()),
              logs,
              label + "-load-" + activity);
      check(r);
      loadRss = Math.max(loadRss, r.peakRssKb());
      loadSeconds += r.seconds();
    }
    ChildProcess.Result promote =
        ChildProcess.run(
            step("promote", null, List.of()), stepEnv(s3.endpoint()), logs, label + "-promote");
    check(promote);
    return new double[] {loadRss, promote.peakRssKb(), loadSeconds, promote.seconds()};
  }

  /** The load step's code for every activity (in this JVM). Returns {seconds, rows}. */
  double[] loadAll(Path logs) throws Exception {
    Files.createDirectories(logs);
    try (PrintStream out = new PrintStream(Files.newOutputStream(logs.resolve("load.log")))) {
      Pipeline pipeline =
          new Pipeline(
              config,
              store,
              new EventLog(out, EventLog.Format.TEXT, Clock.systemUTC(), Manifests.objectMapper()),
              Clock.systemUTC(),
              work);
      long rows = 0;
      long start = System.nanoTime();
      for (Activity activity : Activity.values()) {
        StepStats stats = pipeline.loader().run(activity, week.window(), run);
        rows += stats.rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
      }
      return new double[] {(System.nanoTime() - start) / 1e9, rows};
    }
  }

  /** Rows and sum of value of each activity's staging intraday table. */
  Map<Activity, double[]> stagedTotals() throws SQLException {
    Map<Activity, double[]> totals = new LinkedHashMap<>();
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), "fitbit", "");
        Statement s = c.createStatement()) {
      for (Activity activity : Activity.values()) {
        try (ResultSet r =
            s.executeQuery(
                "SELECT count(*), coalesce(sum(value), 0) FROM "
                    + Tables.intraday(activity).staging())) {
          r.next();
          totals.put(activity, new double[] {r.getLong(1), r.getDouble(2)});
        }
      }
    }
    return totals;
  }

  /** Every staging table with rows, exported once as CSV for psql to load. */
  List<WarehouseTable> prepareCopy(Path csvDir) throws Exception {
    Files.createDirectories(csvDir);
    List<WarehouseTable> tables = new ArrayList<>();
    StringBuilder script = new StringBuilder("CREATE SCHEMA IF NOT EXISTS bench_copy;\n");
    for (Activity activity : Activity.values()) {
      for (WarehouseTable table : Tables.of(activity)) {
        tables.add(table);
        script
            .append("DROP TABLE IF EXISTS bench_copy.")
            .append(table.name())
            .append(";\nCREATE TABLE bench_copy.")
            .append(table.name())
            .append(" (LIKE ")
            .append(table.staging())
            .append(" INCLUDING ALL);\n\\copy (SELECT * FROM ")
            .append(table.staging())
            .append(") TO '")
            .append(csvDir.resolve(table.name() + ".csv"))
            .append("' WITH (FORMAT csv)\n");
      }
    }
    check(psql(script.toString(), csvDir, "copy-prepare"));
    return tables;
  }

  /** psql \copy of the same rows into empty tables of the same definition. Returns seconds. */
  double psqlCopy(List<WarehouseTable> tables, Path csvDir, String label) throws Exception {
    StringBuilder truncate = new StringBuilder();
    StringBuilder copy = new StringBuilder();
    for (WarehouseTable table : tables) {
      truncate.append("TRUNCATE bench_copy.").append(table.name()).append(";\n");
      copy.append("\\copy bench_copy.")
          .append(table.name())
          .append(" FROM '")
          .append(csvDir.resolve(table.name() + ".csv"))
          .append("' WITH (FORMAT csv)\n");
    }
    check(psql(truncate.toString(), csvDir, label + "-truncate"));
    ChildProcess.Result r = psql(copy.toString(), csvDir, label);
    check(r);
    return r.seconds();
  }

  private ChildProcess.Result psql(String script, Path dir, String name) throws Exception {
    Path file = dir.resolve(name + ".sql");
    Files.writeString(file, script);
    URI jdbc = URI.create(config.jdbcUrl().substring("jdbc:".length()));
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.put("PGHOST", jdbc.getHost());
    env.put("PGPORT", Integer.toString(jdbc.getPort()));
    env.put("PGUSER", config.warehouseUser());
    env.put("PGDATABASE", jdbc.getPath().substring(1));
    return ChildProcess.run(
        List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString()),
        env,
        dir,
        name);
  }

  private static void check(ChildProcess.Result r) {
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "a benchmark process failed (exit " + r.exitCode() + "):\n" + tail(r.output()));
    }
  }

  static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  @Override
  public void close() throws Exception {
    try {
      s3.close();
    } finally {
      postgres.close();
    }
  }
}
