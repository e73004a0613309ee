package io.fitbitpipeline.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import org.junit.jupiter.api.Test;

/**
 * The command-line contract of a packaged step app (docs/contract.md). Each step app's test extends
 * it under @QuarkusMainTest; runs against real servers are in PipelineIntegrationTest and the DAG
 * tests.
 */
public abstract class StepCommandContract implements ClassArchiveTrainingContract {
  /** The step's name, as in "Usage: extract". */
  protected abstract String step();

  @Test
  @Launch("--help")
  void helpNamesTheContract(LaunchResult result) {
    assertFalse(result.getOutput().contains("--train-class-archive"), result.getOutput());
    assertTrue(result.getOutput().contains("Usage: " + step()), result.getOutput());
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
