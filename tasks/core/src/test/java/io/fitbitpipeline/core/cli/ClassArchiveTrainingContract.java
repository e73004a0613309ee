package io.fitbitpipeline.core.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import org.junit.jupiter.api.Test;

/**
 * Every step app's hidden {@code --train-class-archive}, what images/Dockerfile.jvm* run under
 * -XX:AOTCacheOutput: it runs without any server. Each step app's @QuarkusMainTest has it.
 */
public interface ClassArchiveTrainingContract {
  @Test
  @Launch("--train-class-archive")
  default void theImageBuildsTrainingRunsWithoutServers(LaunchResult result) {
    assertTrue(
        result.getOutput().startsWith("class archive training: 240 files, 1 quarantined"),
        result.getOutput());
  }
}
