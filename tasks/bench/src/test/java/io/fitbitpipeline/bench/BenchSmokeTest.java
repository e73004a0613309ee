package io.fitbitpipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A tiny run of the benchmark, so its code cannot rot: 2 users, 1 day, the local cases (transform
 * core, DuckDB, tokenize-only, the agreement check, the memory check on a small file) and the docs.
 * The deployed steps, load and ./pipeline run need the built jars and take minutes: they run in
 * ./pipeline bench itself.
 */
class BenchSmokeTest {
  @TempDir Path dir;

  @Test
  void aTinyBenchmarkRunsChecksAgreementAndWritesTheDocs() throws Exception {
    Path docs = dir.resolve("docs");
    // The repository root: the memory check runs with the step images' JVM flags, read there.
    System.setProperty("pipeline.root", Path.of("../..").toAbsolutePath().normalize().toString());
    int exit =
        new CommandLine(new Bench())
            .execute(
                "--users",
                "2",
                "--days",
                "1",
                "--reps",
                "1",
                "--passes",
                "2",
                "--skip",
                "deployed,e2e",
                "--big-file-mb",
                "4",
                "--dir",
                dir.toString(),
                "--docs",
                docs.toString());
    assertEquals(0, exit);
    String page = Files.readString(docs.resolve("performance.md"));
    assertTrue(page.contains("| transform core, 1 thread"), page);
    assertTrue(page.contains("| DuckDB, 1 thread"), page);
    assertTrue(page.contains("| Jackson tokenize only"), page);
    assertTrue(page.contains("full-day bytes=") && page.contains("rows=86400"), page);
    assertTrue(Files.readString(docs.resolve("performance.svg")).contains("<svg"));
    // The week is kept: 2 users x 1 day x 6 activities, all valid.
    assertEquals(
        12, BenchWeek.prepare(dir, 2, 1).fileCount(), "the kept week is reused as generated");
  }

  @Test
  void theDeployedStepsRunWithTheStepImagesJvmFlags() {
    List<String> flags = DeployedSteps.imageJvmFlags(Path.of("../..").toAbsolutePath().normalize());
    assertTrue(flags.contains("-XX:+UseSerialGC"), flags.toString());
    assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags.toString());
    assertTrue(
        flags.stream().noneMatch(f -> f.equals("-jar") || f.equals("java")), flags.toString());
    // The image's AOT cache is a path inside the image: the bench makes its own and maps it.
    assertTrue(flags.contains("-XX:AOTCache=/deployments/app.aot"), flags.toString());
    List<String> local = ClassArchives.withoutCache(flags);
    assertEquals(flags.size() - 1, local.size(), local.toString());
    assertTrue(local.stream().noneMatch(f -> f.startsWith("-XX:AOTCache")), local.toString());
  }

  @Test
  void toolsThatDisagreeStopTheBenchmark() {
    Map<Activity, double[]> expected = new LinkedHashMap<>();
    Map<Activity, double[]> got = new LinkedHashMap<>();
    for (Activity activity : Activity.values()) {
      expected.put(activity, new double[] {100, 5000.5});
      got.put(activity, new double[] {100, 5000.5});
    }
    Bench.compare("same", got, expected);
    got.put(Activity.STEPS, new double[] {99, 5000.5});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Bench.compare("core", got, expected));
    assertTrue(e.getMessage().contains("core disagrees with DuckDB on steps"), e.getMessage());
  }
}
