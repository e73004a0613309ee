package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real servers the integration tests talk to, started once per test JVM: PostgreSQL on loopback
 * and s3proxy in process. Tests isolate themselves with fresh buckets and schemas.
 */
final class LocalServers {
  private static LocalServers instance;

  final LocalPostgres postgres;
  final LocalS3 s3;

  private LocalServers(LocalPostgres postgres, LocalS3 s3) {
    this.postgres = postgres;
    this.s3 = s3;
  }

  static synchronized LocalServers get() throws Exception {
    if (instance == null) {
      Path root = Files.createTempDirectory("fitbit-it-");
      LocalPostgres postgres = LocalPostgres.start(root.resolve("postgres"));
      LocalS3 s3 = LocalS3.start(root.resolve("s3"));
      instance = new LocalServers(postgres, s3);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    postgres.close();
                    try {
                      s3.close();
                    } catch (Exception e) {
                      // The JVM is exiting.
                    }
                  }));
    }
    return instance;
  }

  PipelineConfig config(String rawBucket, String lakeBucket) {
    return PipelineConfig.fromEnvironment(
            Map.of("RAW_BUCKET", rawBucket, "LAKE_BUCKET", lakeBucket, "RAW_PREFIX", "raw"))
        .withS3(
            s3.endpoint(),
            new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
        .withWarehouse(postgres.jdbcUrl(), postgres.user(), "");
  }
}
