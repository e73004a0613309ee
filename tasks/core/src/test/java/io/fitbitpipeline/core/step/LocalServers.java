package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.localstack.LocalKafka;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real servers the integration tests talk to, started once per test JVM: PostgreSQL on loopback
 * and s3proxy in process, and a Kafka broker (a child process) when a test asks for it. Tests
 * isolate themselves with fresh buckets, schemas or databases, and topics.
 */
public final class LocalServers {
  private static LocalServers instance;

  public final LocalPostgres postgres;
  public final LocalS3 s3;
  private final Path root;
  private LocalKafka kafka;

  private LocalServers(LocalPostgres postgres, LocalS3 s3, Path root) {
    this.postgres = postgres;
    this.s3 = s3;
    this.root = root;
  }

  /** The broker, started on first use (it takes seconds; the batch tests never need it). */
  public synchronized LocalKafka kafka() throws java.io.IOException {
    if (kafka == null) {
      kafka = LocalKafka.start(root.resolve("kafka"));
    }
    return kafka;
  }

  public static synchronized LocalServers get() throws Exception {
    if (instance == null) {
      Path root = Files.createTempDirectory("fitbit-it-");
      LocalPostgres postgres = LocalPostgres.start(root.resolve("postgres"));
      LocalS3 s3 = LocalS3.start(root.resolve("s3"));
      instance = new LocalServers(postgres, s3, root);
      LocalServers servers = instance;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    synchronized (servers) {
                      if (servers.kafka != null) {
                        servers.kafka.close();
                      }
                    }
                    postgres.close();
                    try {
                      s3.close();
                    } catch (Exception e) {
                      // The JVM is exiting.
                    }
                    // Every test JVM starts its own servers; their folders would pile up in /tmp
                    // run after run (a full disk once failed CI).
                    deleteTree(servers.root);
                  }));
    }
    return instance;
  }

  public PipelineConfig config(String rawBucket, String lakeBucket) {
    return config(rawBucket, lakeBucket, Map.of());
  }

  /** As {@link #config(String, String)} with more environment variables (e.g. LOOKBACK_WEEKS). */
  public PipelineConfig config(String rawBucket, String lakeBucket, Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(more);
    env.putAll(Map.of("RAW_BUCKET", rawBucket, "LAKE_BUCKET", lakeBucket, "RAW_PREFIX", "raw"));
    return PipelineConfig.fromEnvironment(env)
        .withS3(
            s3.endpoint(),
            new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
        .withWarehouse(postgres.jdbcUrl(), postgres.user(), "");
  }

  /** A store on {@code config}'s S3 endpoint with the raw and lake buckets created. */
  public static ObjectStore storeWithBuckets(PipelineConfig config) {
    ObjectStore store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    return store;
  }

  /** A pipeline whose event log is discarded: these tests judge the warehouse, not the log. */
  public static Pipeline quietPipeline(PipelineConfig config, ObjectStore store) throws Exception {
    return quietPipeline(config, store, Files.createTempDirectory(get().root, "work"));
  }

  /** The same, with a work folder of the caller's (a test that looks at what is left in it). */
  public static Pipeline quietPipeline(PipelineConfig config, ObjectStore store, Path work) {
    return new Pipeline(
        config,
        store,
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper()),
        Clock.systemUTC(),
        work);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
