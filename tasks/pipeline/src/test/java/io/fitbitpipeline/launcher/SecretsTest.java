package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command of both pipelines as its own process with known, distinctive credentials (the
 * S3 secret key, a warehouse password the server really checks, a Kafka SASL password), including
 * failing runs (a wrong password, an unreachable S3 endpoint, warehouse and broker), and fails if a
 * credential appears anywhere it could leak to: stdout and stderr (the event log and every
 * exception message), the manifests and every other object in the lake, the report HTML, any file
 * under the state folder, and any row of fitbit_ops (pipeline_runs, the ledger) or of the
 * lakehouse's bookkeeping tables.
 */
@Tag("faults")
@org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class SecretsTest {
  private static final String S3_SECRET = "s3SECRETq7Zx41LmTt";
  private static final String WAREHOUSE_PASSWORD = "whSECRETk9Wv27RtPp";
  private static final String WRONG_PASSWORD = "wrongSECRETz8QmV3";
  private static final String KAFKA_PASSWORD = "kafkaSECRETb3Nd58Yp";
  private static final List<String> SECRETS =
      List.of(S3_SECRET, WAREHOUSE_PASSWORD, WRONG_PASSWORD, KAFKA_PASSWORD);
  private static final Window DAY = Window.dates("2026-11-16", "2026-11-16");
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path temp;

  @Test
  void noCommandRevealsACredential() throws Exception {
    FaultCaseLog.fromSystem()
        .record(
            "SEC-1",
            "secrets",
            "every command of both pipelines, succeeding and failing, with known credentials",
            this::everyCommand);
  }

  private String everyCommand() throws Exception {
    try (LocalPostgres postgres = LocalPostgres.start(temp.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(temp.resolve("s3"))) {
      requirePassword(postgres);
      Path input = temp.resolve("input");
      for (Map.Entry<String, byte[]> f : SampleWeek.generate(DAY).entrySet()) {
        if (f.getKey().matches("user0[1-3]/.*")) {
          Path target = input.resolve(f.getKey());
          Files.createDirectories(target.getParent());
          Files.write(target, f.getValue());
        }
      }
      Path state = temp.resolve("state");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
      env.put("AWS_ACCESS_KEY_ID", "AKIAFITBITSECRETTEST");
      env.put("AWS_SECRET_ACCESS_KEY", S3_SECRET);
      env.put("AWS_REGION", "us-east-1");
      env.put("WAREHOUSE_JDBC_URL", postgres.jdbcUrl());
      env.put("WAREHOUSE_USER", postgres.user());
      env.put("WAREHOUSE_PASSWORD", WAREHOUSE_PASSWORD);
      env.put("PIPELINE_STATE_DIR", state.toString());
      env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort());
      env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
      env.put("KAFKA_SASL_MECHANISM", "PLAIN");
      env.put("KAFKA_SASL_USERNAME", "fitbit");
      env.put("KAFKA_SASL_PASSWORD", KAFKA_PASSWORD);
      String from = DAY.from().toString();
      List<String> window = List.of("--from", from, "--to", from);

      List<Command> commands = new ArrayList<>();
      commands.add(
          new Command(
              0,
              env,
              join(List.of("run", "--run-id", "sec-run", "--input", input.toString()), window)));
      for (String step : List.of("extract", "transform", "load")) {
        commands.add(
            new Command(
                0,
                env,
                join(List.of(step, "--activity", "steps", "--run-id", "sec-steps"), window)));
      }
      commands.add(new Command(0, env, join(List.of("promote", "--run-id", "sec-steps"), window)));
      commands.add(new Command(0, env, List.of("report", "--run-id", "sec-run", "--lake")));
      commands.add(new Command(0, env, List.of("yield", "--from", from, "--to", from)));
      commands.add(new Command(0, env, List.of("stream", "ingest", "--landing")));
      commands.add(new Command(0, env, List.of("stream", "silver")));
      commands.add(new Command(0, env, List.of("stream", "gold")));
      // Failing runs: the broker cannot be reached, a wrong password, S3 and the warehouse gone.
      commands.add(new Command(3, env, List.of("stream", "ingest", "--topic", "bpm")));
      commands.add(
          new Command(
              3,
              with(env, "WAREHOUSE_PASSWORD", WRONG_PASSWORD),
              join(List.of("run", "--run-id", "sec-wrong", "--input", input.toString()), window)));
      commands.add(
          new Command(
              3,
              with(env, "WAREHOUSE_PASSWORD", WRONG_PASSWORD),
              List.of("report", "--run-id", "sec-run")));
      commands.add(
          new Command(
              3,
              with(env, "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + closedPort()),
              join(List.of("extract", "--activity", "steps", "--run-id", "sec-nos3"), window)));
      commands.add(
          new Command(
              3,
              with(
                  env,
                  "WAREHOUSE_JDBC_URL",
                  "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres"),
              join(List.of("promote", "--run-id", "sec-nowh"), window)));

      List<String> leaks = new ArrayList<>();
      List<String> ran = new ArrayList<>();
      for (Command c : commands) {
        LauncherProcess p = LauncherProcess.start(c.env(), c.args(), temp.resolve("logs"));
        int code = p.waitOrKill(TIMEOUT);
        String output = p.output();
        String name = String.join(" ", c.args());
        assertEquals(c.expected(), code, name + ":\n" + output);
        ran.add(name.split(" --")[0] + " (exit " + code + ")");
        leaks.addAll(leaks("output of " + name, output));
      }

      // The warehouse: pipeline_runs and every other bookkeeping table, as text.
      try (Connection c =
              DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), WAREHOUSE_PASSWORD);
          Statement s = c.createStatement()) {
        int rows = 0;
        for (String table : tables(s)) {
          try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
            while (rs.next()) {
              rows++;
              leaks.addAll(leaks(table, rs.getString(1)));
            }
          }
        }
        assertTrue(rows > 0, "the runs wrote bookkeeping rows");
      }
      // Every file the commands wrote: the lake (manifests, Parquet, the report), state, logs.
      int files = 0;
      boolean report = false;
      for (Path root : List.of(temp.resolve("s3"), state)) {
        try (Stream<Path> walk = Files.walk(root)) {
          for (Path f : walk.filter(Files::isRegularFile).toList()) {
            files++;
            report |= f.getFileName().toString().equals("index.html");
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            leaks.addAll(leaks(f.toString(), text));
          }
        }
      }
      assertTrue(report, "the report HTML was written and checked");
      assertEquals(List.of(), leaks, "credentials found");
      return ran.size()
          + " commands ("
          + String.join(", ", ran)
          + "); "
          + files
          + " files in the lake and state folder and every bookkeeping row searched: no credential";
    }
  }

  private record Command(int expected, Map<String, String> env, List<String> args) {}

  private static List<String> join(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.put(key, value);
    return copy;
  }

  private static List<String> leaks(String where, String text) {
    List<String> found = new ArrayList<>();
    for (String secret : SECRETS) {
      if (text.contains(secret)) {
        found.add(secret + " in " + where);
      }
    }
    return found;
  }

  private static List<String> tables(Statement s) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE"
                + " table_schema IN ('fitbit_ops', 'bronze', 'silver', 'gold') AND table_type ="
                + " 'BASE TABLE'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  /** The server checks passwords from here on (scram-sha-256 over TCP), as Redshift does. */
  private static void requirePassword(LocalPostgres postgres) throws Exception {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
        Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + postgres.user() + " PASSWORD '" + WAREHOUSE_PASSWORD + "'");
      Path hba;
      try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
        rs.next();
        hba = Path.of(rs.getString(1));
      }
      Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
      s.execute("SELECT pg_reload_conf()");
    }
    assertThrows(
        SQLException.class,
        () ->
            DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), WRONG_PASSWORD)
                .close(),
        "the server refuses a wrong password");
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
