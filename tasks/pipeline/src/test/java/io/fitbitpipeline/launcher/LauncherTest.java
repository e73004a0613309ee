package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ./pipeline run --input on the embedded servers, twice, then ./pipeline query. */
class LauncherTest {
  @TempDir Path temp;

  private String launch(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Launcher()).execute(args);
      assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsAnInputFolderEndToEndAndARerunSkipsEverything() throws Exception {
    System.setProperty("pipeline.state", temp.resolve("state").toString());
    Path input = temp.resolve("input");
    for (Map.Entry<String, byte[]> file :
        SampleWeek.generate(Window.dates("2026-11-16", "2026-11-16")).entrySet()) {
      if (file.getKey().startsWith("user0")) {
        Path target = input.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
      }
    }
    String first =
        launch("run", "--input", input.toString(), "--from", "2026-11-16", "--to", "2026-11-16");
    assertTrue(first.contains("uploaded 56 raw files"), first);
    // 9 users; user02's extra key with a bad date folder is quarantined for steps.
    assertTrue(first.matches("(?s).*\\nsteps\\s+10\\s+9\\s+0\\s+1\\s.*"), first);
    assertTrue(first.contains("./pipeline query"), first);

    String second =
        launch("run", "--input", input.toString(), "--from", "2026-11-16", "--to", "2026-11-16");
    assertTrue(second.matches("(?s).*\\nsteps\\s+10\\s+0\\s+10\\s+0\\s.*"), second);

    String rows = launch("query", "SELECT COUNT(*) AS n FROM fitbit.steps_daily");
    assertTrue(rows.contains("n\n9\n(1 rows)"), rows);

    String rebuilt = launch("yield", "--from", "2026-11-16", "--to", "2026-11-16");
    assertTrue(rebuilt.contains("fitbit.data_yield: 9 user-days recomputed"), rebuilt);

    // The report of the latest promoted run: a path on stdout, a self-contained page there.
    Path page = Path.of(launch("report", "--lake").trim());
    assertTrue(page.endsWith("index.html"), page.toString());
    String html = Files.readString(page);
    assertTrue(html.contains("<svg") && html.contains("id=\"yield-table\""), html);
    assertTrue(html.contains("data-user=\"user09\""), "9 users in the report");
    Path week = temp.resolve("week.html");
    assertEquals(
        week.toString(),
        launch("report", "--week", "2026-W47", "--output", week.toString()).trim());
    assertTrue(Files.readString(week).contains("2026-11-16 to 2026-11-22"));
  }
}
