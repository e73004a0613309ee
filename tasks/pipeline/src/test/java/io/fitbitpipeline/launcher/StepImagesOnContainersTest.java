package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerStatus;

/**
 * The batch step images against servers that are containers too: PostgreSQL from the local image
 * fitbit-postgres:bookworm and the S3-API server (s3proxy) from the tools image's entrypoint, the
 * images docker-compose.offline.yml uses (scripts/compose-env.sh builds them). The test seeds the
 * sample week into that S3, runs extract, transform, load and promote of one activity, each a
 * container on the host network reaching the servers' mapped ports on 127.0.0.1, checks the rows of
 * the production table over JDBC, then runs the four steps again and checks nothing changed.
 *
 * <p>Tagged "docker" (profile docker-it). Nothing is pulled: a missing image fails the test naming
 * the script that builds it. Skipped with the reason when no engine answers, or when
 * FITBIT_NO_DATA_IMAGES says why the server images cannot be built here
 * (scripts/test-containers.sh).
 */
@Tag("docker")
class StepImagesOnContainersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POSTGRES_IMAGE = "fitbit-postgres:bookworm";
  private static final String WEEK = "2026-W47";
  private static final String RUN_ID = "on-containers";

  /** Generated here, handed to the server and the step containers, never printed. */
  private static final String WAREHOUSE_PASSWORD = secret();

  private static final String S3_SECRET = secret();
  private static final String S3_ACCESS_KEY = "it-" + secret().substring(0, 12);

  @TempDir static Path temp;

  private static String skipReason;
  private static GenericContainer<?> warehouse;
  private static GenericContainer<?> s3;
  private static PipelineConfig config;
  private static Map<String, String> stepEnv;

  @BeforeAll
  static void serversInContainers() throws Exception {
    skipReason = DockerEngineProbe.fromEnvironment().whyNoEngine();
    if (skipReason == null && System.getenv("FITBIT_NO_DATA_IMAGES") != null) {
      skipReason = "no server images: " + System.getenv("FITBIT_NO_DATA_IMAGES");
    }
    if (skipReason != null) {
      System.err.println("StepImagesOnContainersTest skipped: " + skipReason);
      return;
    }
    List<String> missing = new ArrayList<>();
    for (String image : List.of(POSTGRES_IMAGE, image("tools"), image("extract"))) {
      if (!present(image)) {
        missing.add(image);
      }
    }
    if (!missing.isEmpty()) {
      fail(
          "not in the engine (this test never pulls): "
              + missing
              + "; build them with scripts/compose-env.sh (step images: scripts/docker-env.sh)");
    }
    long start = System.nanoTime();
    warehouse =
        new GenericContainer<>(POSTGRES_IMAGE)
            .withEnv(
                Map.of(
                    "POSTGRES_USER", "fitbit",
                    "POSTGRES_PASSWORD", WAREHOUSE_PASSWORD,
                    "POSTGRES_DB", "fitbit"))
            .withExposedPorts(5432)
            // The entrypoint's first-start server logs to /dev/null: one line means the real one.
            .waitingFor(
                Wait.forLogMessage(".*database system is ready to accept connections.*", 1)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    s3 =
        new GenericContainer<>(image("tools"))
            .withCreateContainerCmdModifier(
                cmd -> cmd.withEntrypoint("/deployments/s3proxy-entrypoint.sh"))
            .withCommand()
            .withEnv(
                Map.of(
                    "MINIO_ROOT_USER",
                    S3_ACCESS_KEY,
                    "MINIO_ROOT_PASSWORD",
                    S3_SECRET,
                    "RAW_BUCKET",
                    "fitbit-raw",
                    "LAKE_BUCKET",
                    "fitbit-lake"))
            .withExposedPorts(9000)
            // Any HTTP answer (an anonymous GET is refused with 403) means s3proxy serves.
            .waitingFor(
                Wait.forHttp("/")
                    .forStatusCodeMatching(code -> code > 0)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    warehouse.start();
    s3.start();
    System.out.printf(
        "servers in containers up in %d ms%n", (System.nanoTime() - start) / 1_000_000);

    stepEnv = new LinkedHashMap<>();
    stepEnv.put("RAW_BUCKET", "fitbit-raw");
    stepEnv.put("LAKE_BUCKET", "fitbit-lake");
    stepEnv.put("AWS_REGION", "us-east-1");
    stepEnv.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getMappedPort(9000));
    stepEnv.put("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY);
    stepEnv.put("AWS_SECRET_ACCESS_KEY", S3_SECRET);
    stepEnv.put(
        "WAREHOUSE_JDBC_URL",
        "jdbc:postgresql://127.0.0.1:" + warehouse.getMappedPort(5432) + "/fitbit");
    stepEnv.put("WAREHOUSE_USER", "fitbit");
    stepEnv.put("WAREHOUSE_PASSWORD", WAREHOUSE_PASSWORD);
    stepEnv.put("WAREHOUSE_DIALECT", "postgresql");

    // What `./pipeline seed` does, on these servers: the warehouse's tables, then the sample week
    // in the raw bucket. The keys are the test's, not this JVM's environment: static credentials.
    config =
        PipelineConfig.fromEnvironment(stepEnv)
            .withS3(
                java.net.URI.create(stepEnv.get("AWS_ENDPOINT_URL_S3")),
                new PipelineConfig.StaticCredentials(S3_ACCESS_KEY, S3_SECRET));
    ObjectStore store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    Path work = java.nio.file.Files.createDirectories(temp.resolve("work"));
    EventLog log =
        new EventLog(
            System.out, EventLog.formatFrom(Map.of()), Clock.systemUTC(), Manifests.objectMapper());
    new Pipeline(config, store, log, Clock.systemUTC(), work).migrate();
    // Only the activity's files of the sample week (its quirks included): the other activities'
    // 700 files would cost a minute of uploads to s3proxy and change nothing here.
    long seeding = System.nanoTime();
    Map<String, byte[]> week = new java.util.TreeMap<>(SampleWeek.generate(Window.isoWeek(WEEK)));
    week.keySet().removeIf(key -> !key.endsWith("/steps.json"));
    int files = new RawUploader(store, config.rawBucket(), config.rawPrefix()).upload(week);
    System.out.printf(
        "migrated and seeded %d files in %d ms%n",
        files, (System.nanoTime() - seeding) / 1_000_000);
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (GenericContainer<?> server : new GenericContainer<?>[] {s3, warehouse}) {
      if (server != null) {
        String logs = server.getLogs();
        server.stop();
        assertNoSecret(server.getDockerImageName(), logs);
      }
    }
  }

  @Test
  void theBatchStepsLoadTheWeekIntoTheContainersWarehouseAndARerunChangesNothing()
      throws Exception {
    assumeTrue(skipReason == null, skipReason);
    long start = System.nanoTime();
    runTheFourSteps();
    assertEquals(
        "139", query("SELECT COUNT(*) FROM fitbit.steps_daily"), "20 users x 7 days, less one");
    assertEquals(
        "0",
        query("SELECT COUNT(*) FROM fitbit.steps_daily WHERE value < 0 OR user_id = ''"),
        "no negative step count, no empty user");
    String before = contents();
    long firstRun = (System.nanoTime() - start) / 1_000_000;

    runTheFourSteps();
    assertEquals(before, contents(), "a rerun of the same run changed fitbit.steps_daily");
    System.out.printf(
        "four steps on containers: first run %d ms, rerun %d ms%n",
        firstRun, (System.nanoTime() - start) / 1_000_000 - firstRun);
  }

  private static void runTheFourSteps() throws Exception {
    for (String step : List.of("extract", "transform", "load", "promote")) {
      Run run = run(step, "--activity", "steps", "--week", WEEK, "--run-id", RUN_ID);
      assertEquals(0L, run.exitCode(), step + "\n" + run.all());
      assertTrue(
          run.stdout().lines().anyMatch(StepImagesOnContainersTest::isEvent),
          step + ": no JSON event line\n" + run.all());
    }
  }

  /** Every row of the production table, in one order: equal strings mean equal contents. */
  private static String contents() throws Exception {
    return query(
        "SELECT COUNT(*) || ':' || md5(string_agg(user_id || '|' || date || '|' || value, ','"
            + " ORDER BY user_id, date)) FROM fitbit.steps_daily");
  }

  private static boolean isEvent(String line) {
    if (!line.startsWith("{")) {
      return false;
    }
    try {
      JsonNode event = JSON.readTree(line);
      return event.hasNonNull("ts") && event.hasNonNull("level") && event.hasNonNull("message");
    } catch (IOException e) {
      return false;
    }
  }

  private record Run(long exitCode, String stdout, String stderr) {
    String all() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  private static Run run(String step, String... args) throws Exception {
    try (GenericContainer<?> container =
        new GenericContainer<>(image(step))
            .withNetworkMode("host")
            .withEnv(stepEnv)
            .withCommand(args)
            .withStartupCheckStrategy(new ExitedCheck().withTimeout(Duration.ofMinutes(5)))) {
      long start = System.nanoTime();
      container.start();
      Run run =
          new Run(
              container.getCurrentContainerInfo().getState().getExitCodeLong(),
              container.getLogs(OutputFrame.OutputType.STDOUT),
              container.getLogs(OutputFrame.OutputType.STDERR));
      System.out.printf(
          "%s %s: exit %d in %d ms%n",
          step, List.of(args), run.exitCode(), (System.nanoTime() - start) / 1_000_000);
      assertNoSecret(step, run.stdout() + run.stderr());
      return run;
    }
  }

  private static void assertNoSecret(String who, String logs) {
    for (String secret : List.of(WAREHOUSE_PASSWORD, S3_SECRET)) {
      assertFalse(logs.contains(secret), who + ": a secret handed to the container is in its log");
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

  private static String query(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                config.jdbcUrl(), config.warehouseUser(), config.warehousePassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getString(1);
    }
  }

  private static boolean present(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      return false;
    }
  }

  /** A step image of images/release.json, or the tools image ("tools") with the same tag. */
  private static String image(String step) throws IOException {
    JsonNode release = JSON.readTree(Path.of("../../images/release.json").toFile());
    String name =
        step.equals("tools") ? "fitbit-pipeline-tools" : release.path("images").path(step).asText();
    String registry = step.equals("tools") ? "" : release.path("registry").asText("");
    return registry + name + ":" + release.path("tag").asText();
  }

  private static String secret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
