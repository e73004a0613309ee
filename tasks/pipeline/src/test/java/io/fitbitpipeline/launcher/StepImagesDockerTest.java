package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The four step images, built beforehand (see .github/workflows/ci.yml), against MinIO and
 * PostgreSQL containers. Tagged "docker": it runs with -Pdocker-it, and skips without a Docker
 * engine.
 */
@Tag("docker")
@Testcontainers(disabledWithoutDocker = true)
class StepImagesDockerTest {
  private static final Network NETWORK = Network.newNetwork();
  private static final List<String> STEPS = List.of("extract", "transform", "load", "promote");

  @Container
  static final GenericContainer<?> MINIO =
      new GenericContainer<>("minio/minio:RELEASE.2025-04-22T22-12-26Z")
          .withCommand("server", "/data")
          .withEnv(Map.of("MINIO_ROOT_USER", "minio", "MINIO_ROOT_PASSWORD", "minio-secret"))
          .withNetwork(NETWORK)
          .withNetworkAliases("minio")
          .withExposedPorts(9000)
          .waitingFor(Wait.forHttp("/minio/health/ready").forPort(9000));

  @Container
  static final PostgreSQLContainer<?> WAREHOUSE =
      new PostgreSQLContainer<>("postgres:16-alpine")
          .withNetwork(NETWORK)
          .withNetworkAliases("warehouse");

  private static String image(String step) throws Exception {
    JsonNode release = new ObjectMapper().readTree(Path.of("../../images/release.json").toFile());
    String registry = release.path("registry").asText("");
    return registry
        + release.path("images").path(step).asText()
        + ":"
        + release.path("tag").asText();
  }

  private static GenericContainer<?> step(String step, String... args) throws Exception {
    return new GenericContainer<>(image(step))
        .withNetwork(NETWORK)
        .withCommand(args)
        .withEnv(
            Map.of(
                "AWS_ENDPOINT_URL_S3", "http://minio:9000",
                "AWS_ACCESS_KEY_ID", "minio",
                "AWS_SECRET_ACCESS_KEY", "minio-secret",
                "AWS_REGION", "us-east-1",
                "WAREHOUSE_JDBC_URL",
                    "jdbc:postgresql://warehouse:5432/" + WAREHOUSE.getDatabaseName(),
                "WAREHOUSE_USER", WAREHOUSE.getUsername(),
                "WAREHOUSE_PASSWORD", WAREHOUSE.getPassword()))
        .withStartupCheckStrategy(
            new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(5)));
  }

  @Test
  void everyImagePrintsItsHelp() throws Exception {
    for (String name : STEPS) {
      try (GenericContainer<?> container = step(name, "--help")) {
        container.start();
        assertTrue(container.getLogs().contains("Usage: " + name), container.getLogs());
      }
    }
  }

  @Test
  void aOneActivityWeekRunsThroughTheImages() throws Exception {
    URI endpoint = URI.create("http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000));
    PipelineConfig config =
        PipelineConfig.fromEnvironment(Map.of())
            .withS3(endpoint, new PipelineConfig.StaticCredentials("minio", "minio-secret"));
    ObjectStore store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    new RawUploader(store, config.rawBucket(), config.rawPrefix())
        .upload(SampleWeek.generate(Window.isoWeek("2026-W47")));

    for (String name : STEPS) {
      try (GenericContainer<?> container =
          step(name, "--activity", "steps", "--week", "2026-W47", "--run-id", "images-it")) {
        container.start();
        assertEquals(
            0L,
            container.getCurrentContainerInfo().getState().getExitCodeLong(),
            container.getLogs());
      }
    }
    try (Connection c =
            DriverManager.getConnection(
                WAREHOUSE.getJdbcUrl(), WAREHOUSE.getUsername(), WAREHOUSE.getPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM fitbit.steps_daily")) {
      rs.next();
      assertEquals(139, rs.getLong(1), "20 users x 7 days, less the planted error body");
    }
  }
}
