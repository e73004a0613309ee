package io.fitbitpipeline.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import org.junit.jupiter.api.Test;

/**
 * The command-line contract of a packaged lakehouse step app (ingest, silver, gold): the batch
 * steps' exit codes and messages. Runs against real servers are in LakehouseIntegrationTest and the
 * DAG tests.
 */
public abstract class LakehouseCommandContract implements ClassArchiveTrainingContract {
  protected abstract String step();

  @Test
  @Launch("--help")
  void helpNamesTheContract(LaunchResult result) {
    assertFalse(result.getOutput().contains("--train-class-archive"), result.getOutput());
    assertTrue(result.getOutput().contains("Usage: " + step()), result.getOutput());
    assertTrue(result.getOutput().contains("--run-id"), result.getOutput());
  }

  @Test
  @Launch(
      value = {"--bogus"},
      exitCode = 2)
  void anUnknownOptionIsAUsageError(LaunchResult result) {
    assertTrue(
        result.getErrorOutput().contains("Unknown option: '--bogus'"), result.getErrorOutput());
  }

  @Test
  @Launch(
      value = {"--run-id", "r1"},
      exitCode = 3)
  void withoutAWarehouseItSaysWhichVariableIsMissing(LaunchResult result) {
    assertEquals(
        "ERROR: WAREHOUSE_JDBC_URL is not set (jdbc:postgresql://... or jdbc:redshift://...)",
        result.getErrorOutput().trim());
  }
}
