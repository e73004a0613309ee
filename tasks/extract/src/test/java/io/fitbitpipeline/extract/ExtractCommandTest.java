package io.fitbitpipeline.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/**
 * The packaged command-line contract; runs against real servers are in fitbit-core and the DAG
 * tests.
 */
@QuarkusMainTest
class ExtractCommandTest {
  @Test
  @Launch("--help")
  void helpNamesTheContract(LaunchResult result) {
    assertTrue(result.getOutput().contains("Usage: extract"), result.getOutput());
    for (String option : new String[] {"--activity", "--week", "--from", "--to", "--run-id"}) {
      assertTrue(result.getOutput().contains(option), option);
    }
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
      value = {"--activity", "steps", "--week", "2026-W47"},
      exitCode = 3)
  void withoutAWarehouseItSaysWhichVariableIsMissing(LaunchResult result) {
    assertEquals(
        "ERROR: WAREHOUSE_JDBC_URL is not set (jdbc:postgresql://... or jdbc:redshift://...)",
        result.getErrorOutput().trim());
  }
}
