package io.fitbitpipeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.cli.ClassArchiveTrainingContract;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/**
 * The report image's command line (docs/contract.md); runs against real servers are in
 * ReportAppTest (fitbit-core) and the weekly DAG's end-to-end test.
 */
@QuarkusMainTest
class ReportCommandTest implements ClassArchiveTrainingContract {
  @Test
  @Launch("--help")
  void helpNamesTheContract(LaunchResult result) {
    assertFalse(result.getOutput().contains("--train-class-archive"), result.getOutput());
    assertTrue(result.getOutput().contains("Usage: report"), result.getOutput());
    for (String option : new String[] {"--week", "--from", "--to", "--run-id"}) {
      assertTrue(result.getOutput().contains(option), option);
    }
    assertTrue(result.getOutput().contains("reports/<run id>/"), result.getOutput());
  }

  @Test
  @Launch(
      value = {"--activity", "steps"},
      exitCode = 2)
  void aReportCoversTheWholeRunSoThereIsNoActivity(LaunchResult result) {
    assertTrue(
        result.getErrorOutput().contains("Unknown options: '--activity', 'steps'"),
        result.getErrorOutput());
  }

  @Test
  @Launch(
      value = {"--week", "2026-W47", "--run-id", "scheduled__2026-11-23T00:00:00+00:00"},
      exitCode = 3)
  void withoutAWarehouseItSaysWhichVariableIsMissing(LaunchResult result) {
    assertEquals(
        "ERROR: WAREHOUSE_JDBC_URL is not set (jdbc:postgresql://... or jdbc:redshift://...)",
        result.getErrorOutput().trim());
  }
}
