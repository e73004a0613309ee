package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerStatus;

/**
 * Every step image of images/release.json, run for real by a Docker engine: each prints its help
 * (exit 0) and rejects a bad command line (exit 2), then the batch steps run one activity's week
 * and the lakehouse steps a landing file, against the launcher's local servers (s3proxy, PostgreSQL
 * and Kafka on loopback, what `./pipeline serve` starts) reached with `--network host`.
 *
 * <p>Tagged "docker": runs with -Pdocker-it. Nothing is pulled: the step images must exist in the
 * engine (scripts/docker-env.sh builds them offline; CI builds them with images/Dockerfile.jvm).
 * Skips, saying why, when no engine answers. Where no registry is reachable, run it with
 * TESTCONTAINERS_RYUK_DISABLED=true (Testcontainers would otherwise pull its Ryuk image).
 */
@Tag("docker")
class StepImagesDockerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every step image of images/release.json (the batch and the lakehouse DAGs' steps). */
  private static final List<String> STEPS = steps();

  private static final String RYUK_IMAGE = "testcontainers/ryuk:0.12.0";

  /**
   * The warehouse password handed to the step containers. The local PostgreSQL trusts loopback
   * connections, so any value works; a random one can only be in a log if a step printed it.
   */
  private static final String WAREHOUSE_PASSWORD = "wh-" + java.util.UUID.randomUUID();

  @TempDir static Path temp;
  private static LocalEnvironment servers;

  /** Every secret value passed to a container: none may appear in any container's log. */
  private static final java.util.Set<String> SECRETS = new java.util.LinkedHashSet<>();

  /** Per image: the size and the time of `--help` from start to exit (printed at the end). */
  private static final Map<String, String> MEASURED = new java.util.TreeMap<>();

  /** Why no engine can be used (each test is then skipped with it), null when one answers. */
  private static String noEngine;

  @BeforeAll
  static void engineImagesAndServers() throws Exception {
    DockerEngineProbe engine = DockerEngineProbe.fromEnvironment();
    noEngine = engine.whyNoEngine();
    if (noEngine == null
        && engine.onUnixSocket()
        && !"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))
        && !engine.get("/images/" + RYUK_IMAGE + "/json").startsWith("200")
        && System.getenv("GITHUB_ACTIONS") == null) {
      fail(
          "TESTCONTAINERS_RYUK_DISABLED is not true and "
              + RYUK_IMAGE
              + " is not in the engine: Testcontainers would try to pull it from a registry"
              + " for minutes. Run with TESTCONTAINERS_RYUK_DISABLED=true.");
    }
    if (noEngine != null) {
      System.err.println("StepImagesDockerTest skipped: " + noEngine);
      return;
    }
    DockerClient docker = DockerClientFactory.instance().client();
    List<String> missing = new ArrayList<>();
    for (String step : STEPS) {
      try {
        var inspected = docker.inspectImageCmd(image(step)).exec();
        var config = inspected.getConfig();
        MEASURED.put(step, (inspected.getSize() / 1_000_000) + " MB");
        assertEquals("1001", config.getUser(), step + " must run as user 1001, not root");
        assertTrue(List.of(config.getEnv()).contains("CONTAINER=true"), step + ": CONTAINER=true");
      } catch (com.github.dockerjava.api.exception.NotFoundException e) {
        missing.add(image(step));
      }
    }
    if (!missing.isEmpty()) {
      fail(
          "not in the engine (this test never pulls): "
              + missing
              + "; build them with scripts/docker-env.sh");
    }
    // What `./pipeline serve` starts, in this JVM: S3 and PostgreSQL and Kafka on loopback.
    Path state = temp.resolve("state");
    servers = LocalEnvironment.open(Map.of(), state, System.out, true);
    new LauncherContext(Map.of(), state, Clock.systemUTC()).pipeline(servers).migrate();
    stepEnvironment(); // the secrets are known before any container runs: every log is checked
  }

  @BeforeEach
  void engineReachable() {
    assumeTrue(noEngine == null, noEngine);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (servers != null) {
      servers.close();
    }
    // The measures docs/containers.md reports: size and start-up of every image.
    MEASURED.forEach((step, measured) -> System.out.println("image " + step + ": " + measured));
  }

  /** The launcher's variables, with a warehouse password, every secret value remembered. */
  private static Map<String, String> stepEnvironment() {
    Map<String, String> env = new java.util.LinkedHashMap<>(servers.variables());
    env.put("WAREHOUSE_PASSWORD", WAREHOUSE_PASSWORD);
    for (String key : List.of("AWS_SECRET_ACCESS_KEY", "WAREHOUSE_PASSWORD")) {
      String value = env.get(key);
      assertTrue(value != null && value.length() >= 6, key + " must be set for the leak check");
      SECRETS.add(value);
    }
    return env;
  }

  private static List<String> steps() {
    try {
      List<String> steps = new ArrayList<>();
      release().path("images").fieldNames().forEachRemaining(steps::add);
      return List.copyOf(steps);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode release() throws IOException {
    return JSON.readTree(Path.of("../../images/release.json").toFile());
  }

  private static String image(String step) throws IOException {
    JsonNode release = release();
    return release.path("registry").asText("")
        + release.path("images").path(step).asText()
        + ":"
        + release.path("tag").asText();
  }

  /** Starts the step container, waits for it to exit; returns exit code, stdout and stderr. */
  private record Run(long exitCode, String stdout, String stderr, long millis) {
    String all() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }

    /** The stdout lines that are JSON objects (the step's event log). */
    List<JsonNode> events() {
      List<JsonNode> events = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("{")) {
          try {
            events.add(JSON.readTree(line));
          } catch (IOException e) {
            fail("not JSON: " + line);
          }
        }
      }
      return events;
    }
  }

  private static Run run(String step, Map<String, String> env, String... args) throws Exception {
    try (GenericContainer<?> container =
        new GenericContainer<>(image(step))
            .withNetworkMode("host")
            .withEnv(env)
            .withCommand(args)
            .withStartupCheckStrategy(new ExitedCheck().withTimeout(Duration.ofMinutes(5)))) {
      long start = System.nanoTime();
      container.start();
      long millis = (System.nanoTime() - start) / 1_000_000;
      InspectContainerResponse info = container.getCurrentContainerInfo();
      Run result =
          new Run(
              info.getState().getExitCodeLong(),
              container.getLogs(OutputFrame.OutputType.STDOUT),
              container.getLogs(OutputFrame.OutputType.STDERR),
              millis);
      System.out.printf("%s %s: exit %d in %d ms%n", step, List.of(args), result.exitCode, millis);
      // The image's user at run time, not only in its configuration: never root.
      assertEquals(
          "1001", info.getConfig().getUser(), step + " ran as " + info.getConfig().getUser());
      for (String secret : SECRETS) {
        assertTrue(
            !result.stdout().contains(secret) && !result.stderr().contains(secret),
            step + " " + List.of(args) + ": a secret passed to the container is in its log");
      }
      return result;
    }
  }

  /** Startup is over when the one-shot container has exited, whatever its code. */
  private static final class ExitedCheck extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient client, String containerId) {
      return DockerStatus.isContainerStopped(getCurrentState(client, containerId))
          ? StartupStatus.SUCCESSFUL
          : StartupStatus.NOT_YET_KNOWN;
    }
  }

  private static void assertSucceededWithJsonLog(String step, Run run) {
    assertEquals(0L, run.exitCode(), step + "\n" + run.all());
    // Event lines {"ts", "level", "step", "message", ...}; a step may end with a JSON summary line.
    assertTrue(
        run.events().stream()
            .anyMatch(e -> e.hasNonNull("ts") && e.hasNonNull("level") && e.hasNonNull("message")),
        step + ": no JSON event line\n" + run.all());
    assertTrue(
        run.stdout().lines().allMatch(line -> line.isBlank() || line.startsWith("{")),
        step + ": stdout has lines that are not JSON\n" + run.all());
  }

  @Test
  void everyImagePrintsItsHelpAndRejectsABadCommandLine() throws Exception {
    for (String step : STEPS) {
      Run help = run(step, Map.of(), "--help");
      assertEquals(0L, help.exitCode(), step + "\n" + help.all());
      assertTrue(help.stdout().contains("Usage: " + step), step + "\n" + help.all());
      // Start-up: `docker run ... --help` from start to exit (the JVM starting the step app).
      assertTrue(help.millis() < 60_000, step + " --help took " + help.millis() + " ms");
      MEASURED.merge(
          step, "--help from start to exit " + help.millis() + " ms", (a, b) -> a + ", " + b);
      // The AOT cache the image's build trained is mapped: the step's command class (loaded by
      // the training too) comes from it, and the JVM has no complaint about the cache (a cache it
      // cannot map is an "[error][aot]" line, then a start without it).
      for (String complaint : List.of("[error][aot", "[warning][aot", "[warning][cds")) {
        assertFalse(help.all().contains(complaint), step + "\n" + help.all());
      }
      Run logged = run(step, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:stderr"), "--help");
      assertTrue(
          Pattern.compile(
                  "io\\.fitbitpipeline\\.\\w+\\.\\w+Command source: shared objects file$",
                  Pattern.MULTILINE)
              .matcher(logged.stderr())
              .find(),
          step + ": its command class is not from the AOT cache\n" + logged.stderr());

      Run bad = run(step, Map.of(), "--no-such-option");
      assertEquals(2L, bad.exitCode(), step + "\n" + bad.all());
      assertTrue(bad.stderr().contains("--no-such-option"), step + "\n" + bad.all());
    }
    // No configuration at all: exit 3, saying which variable is missing.
    Run unconfigured = run("extract", Map.of(), "--activity", "steps", "--week", "2026-W47");
    assertEquals(3L, unconfigured.exitCode(), unconfigured.all());
    assertTrue(unconfigured.stderr().contains("WAREHOUSE_JDBC_URL"), unconfigured.all());
  }

  @Test
  void theBatchImagesRunOneActivityWeek() throws Exception {
    PipelineConfig config = servers.config();
    new RawUploader(servers.store(), config.rawBucket(), config.rawPrefix())
        .upload(SampleWeek.generate(Window.isoWeek("2026-W47")));
    Map<String, String> env = stepEnvironment();
    // transform before any extract of that run: a previous step's output is missing, exit 4.
    Run early =
        run(
            "transform",
            env,
            "--activity",
            "steps",
            "--week",
            "2026-W47",
            "--run-id",
            "no-extract");
    assertEquals(4L, early.exitCode(), early.all());
    // An unreachable warehouse (nothing listens on port 1): exit 3, one ERROR line, no secret.
    Map<String, String> unreachable = new java.util.LinkedHashMap<>(env);
    unreachable.put("WAREHOUSE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/fitbit");
    Run refused =
        run("extract", unreachable, "--activity", "steps", "--week", "2026-W47", "--run-id", "x");
    assertEquals(3L, refused.exitCode(), refused.all());
    assertTrue(refused.stderr().contains("ERROR:"), refused.all());
    for (String step : List.of("extract", "transform", "load", "promote")) {
      Run run =
          run(step, env, "--activity", "steps", "--week", "2026-W47", "--run-id", "images-it");
      assertSucceededWithJsonLog(step, run);
    }
    assertEquals(
        "139", query("SELECT COUNT(*) FROM fitbit.steps_daily"), "20 users x 7 days, less one");
  }

  @Test
  void theLakehouseImagesRunALandingFile() throws Exception {
    servers
        .store()
        .put(
            servers.config().rawBucket(),
            "landing/gym_logins/images-it.csv",
            ("mac_address,gym,login,logout\n"
                    + "aa:bb:cc:dd:ee:01,Downtown,1763283600,1763287200\n"
                    + "bad line\n")
                .getBytes(StandardCharsets.UTF_8));
    Map<String, String> env = stepEnvironment();
    assertSucceededWithJsonLog(
        "ingest", run("ingest", env, "--landing", "--run-id", "images-it-lakehouse"));
    assertSucceededWithJsonLog("silver", run("silver", env, "--run-id", "images-it-lakehouse"));
    assertSucceededWithJsonLog("gold", run("gold", env, "--run-id", "images-it-lakehouse"));
    String rows =
        query("SELECT COUNT(*) FROM bronze.landing_rows WHERE object_key LIKE '%images-it.csv'");
    assertTrue(Long.parseLong(rows) > 0, "bronze.landing_rows of the landing file: " + rows);
    assertTrue(
        query("SELECT string_agg(reason, ';') FROM silver.rejected_records")
            .contains("landing/gym_logins/images-it.csv line 3"));
  }

  private static String query(String sql) throws Exception {
    PipelineConfig config = servers.config();
    try (Connection c =
            DriverManager.getConnection(
                config.jdbcUrl(), config.warehouseUser(), config.warehousePassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getString(1);
    }
  }
}
