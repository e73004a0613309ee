package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.lakehouse.LakehouseConfig;
import io.fitbitpipeline.localstack.LocalKafka;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The servers a launcher command talks to: the ones the environment names, or else embedded real
 * ones (s3proxy in this process, a PostgreSQL server on loopback) whose data is kept under the
 * state folder, so separate commands see the same buckets and warehouse.
 */
final class LocalEnvironment implements AutoCloseable {
  private final PipelineConfig config;
  private final ObjectStore store;
  private final LocalS3 s3;
  private final LocalPostgres postgres;
  private final LakehouseConfig lakehouse;
  private final LocalKafka kafka;

  private LocalEnvironment(
      PipelineConfig config,
      LocalS3 s3,
      LocalPostgres postgres,
      LakehouseConfig lakehouse,
      LocalKafka kafka) {
    this.config = config;
    this.store = new S3ObjectStore(S3Clients.create(config));
    this.s3 = s3;
    this.postgres = postgres;
    this.lakehouse = lakehouse;
    this.kafka = kafka;
  }

  /** The batch pipeline's servers: S3 and the warehouse. */
  static LocalEnvironment open(Map<String, String> env, Path stateDir, PrintStream out)
      throws Exception {
    return open(env, stateDir, out, false);
  }

  /**
   * @param withKafka also a Kafka broker (the lakehouse), embedded unless KAFKA_BOOTSTRAP_SERVERS
   *     names one; starting it costs seconds, so batch commands do without
   */
  static LocalEnvironment open(
      Map<String, String> env, Path stateDir, PrintStream out, boolean withKafka) throws Exception {
    PipelineConfig config = PipelineConfig.fromEnvironment(env);
    LakehouseConfig lakehouse = LakehouseConfig.fromEnvironment(env);
    LocalS3 s3 = null;
    LocalPostgres postgres = null;
    LocalKafka kafka = null;
    // PostgreSQL starts (initdb, pg_ctl: other processes) while this JVM starts s3proxy, which is
    // mostly class loading: about a second less before the first upload.
    CompletableFuture<LocalPostgres> startingPostgres =
        config.jdbcUrl().isBlank() ? startPostgres(stateDir.resolve("postgres")) : null;
    try {
      if (config.s3Endpoint().isEmpty()
          && !"false".equalsIgnoreCase(env.get("PIPELINE_EMBEDDED_S3"))) {
        s3 = LocalS3.start(stateDir.resolve("s3"));
        config =
            config.withS3(
                s3.endpoint(),
                // In this process unsigned: s3proxy checks no signature, and signing hashed
                // every uploaded byte (PipelineConfig.StaticCredentials).
                PipelineConfig.StaticCredentials.forServerWithoutAuthentication(
                    LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
        out.println(
            "embedded S3-API server (s3proxy) at "
                + s3.endpoint()
                + ", data in "
                + stateDir.resolve("s3"));
      }
      if (startingPostgres != null) {
        postgres = started(startingPostgres);
        config = config.withWarehouse(postgres.jdbcUrl(), postgres.user(), "");
        out.println(
            "embedded PostgreSQL (Redshift stand-in) at "
                + postgres.jdbcUrl()
                + ", data in "
                + stateDir.resolve("postgres"));
      }
      if (withKafka && lakehouse.bootstrapServers().isBlank()) {
        kafka = LocalKafka.start(stateDir.resolve("kafka"));
        lakehouse = lakehouse.withBootstrapServers(kafka.bootstrapServers());
        out.println(
            "embedded Kafka broker (Amazon MSK stand-in) at "
                + kafka.bootstrapServers()
                + ", data in "
                + stateDir.resolve("kafka"));
      }
    } catch (Exception e) {
      if (s3 != null) {
        s3.close();
      }
      if (postgres == null && startingPostgres != null) {
        // s3proxy failed: the server started meanwhile is stopped too, not left running.
        try {
          postgres = started(startingPostgres);
        } catch (Exception alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
      }
      if (postgres != null) {
        postgres.close();
      }
      if (kafka != null) {
        kafka.close();
      }
      throw e;
    }
    LocalEnvironment environment = new LocalEnvironment(config, s3, postgres, lakehouse, kafka);
    environment.store.ensureBucket(config.rawBucket());
    environment.store.ensureBucket(config.lakeBucket());
    return environment;
  }

  private static CompletableFuture<LocalPostgres> startPostgres(Path dataDir) {
    CompletableFuture<LocalPostgres> future = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                future.complete(LocalPostgres.start(dataDir));
              } catch (Throwable t) {
                future.completeExceptionally(t);
              }
            },
            "postgres-start");
    starter.setDaemon(true);
    starter.start();
    return future;
  }

  /** The started server, or the start's own failure (not a wrapper). */
  private static LocalPostgres started(CompletableFuture<LocalPostgres> starting) throws Exception {
    try {
      return starting.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  PipelineConfig config() {
    return config;
  }

  ObjectStore store() {
    return store;
  }

  LakehouseConfig lakehouse() {
    return lakehouse;
  }

  boolean embeddedWarehouse() {
    return postgres != null;
  }

  /** The variables a step process needs to reach these servers (for `serve --env-file`). */
  Map<String, String> variables() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("RAW_BUCKET", config.rawBucket());
    vars.put("RAW_PREFIX", config.rawPrefix());
    vars.put("LAKE_BUCKET", config.lakeBucket());
    vars.put("AWS_REGION", config.region());
    config.s3Endpoint().ifPresent(e -> vars.put("AWS_ENDPOINT_URL_S3", e.toString()));
    config
        .s3Credentials()
        .ifPresent(
            c -> {
              vars.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
              vars.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
            });
    vars.put("WAREHOUSE_JDBC_URL", config.jdbcUrl());
    vars.put("WAREHOUSE_USER", config.warehouseUser());
    vars.put("WAREHOUSE_PASSWORD", config.warehousePassword());
    vars.put("WAREHOUSE_DIALECT", config.dialect());
    if (!lakehouse.bootstrapServers().isBlank()) {
      vars.put("KAFKA_BOOTSTRAP_SERVERS", lakehouse.bootstrapServers());
    }
    return vars;
  }

  @Override
  public void close() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
