package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ./pipeline stream on the embedded servers (a real Kafka broker among them): simulate, run once
 * with a landing folder, a rerun with nothing new, and a continuous run stopped like Ctrl-C.
 */
class StreamLauncherTest {
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
  void simulateThenRunOnceWithALandingFolderThenANoOpRerun() throws Exception {
    System.setProperty("pipeline.state", temp.resolve("state").toString());
    Path landing = temp.resolve("landing");
    Files.createDirectories(landing.resolve("gym_logins"));
    Files.writeString(
        landing.resolve("gym_logins").resolve("extra.csv"),
        "mac_address,gym,login,logout\nzz:zz,Downtown,1763283600,1763287200\nbad line\n");

    String simulated = launch("stream", "simulate", "--users", "4", "--days", "0.25");
    assertTrue(simulated.contains("produced {"), simulated);

    String first = launch("stream", "run", "--once", "--landing", landing.toString());
    assertTrue(first.contains("uploaded 1 landing files"), first);
    assertTrue(first.matches("(?s).*\\nbpm\\s+[1-9]\\d*\\s.*"), first);
    assertTrue(first.matches("(?s).*\\nsilver\\.heart_rate\\s+[1-9]\\d*\\n.*"), first);
    String rejected = launch("query", "SELECT reason FROM silver.rejected_records");
    assertTrue(rejected.contains("landing/gym_logins/extra.csv line 3"), rejected);

    String again = launch("stream", "run", "--once");
    assertTrue(again.matches("(?s).*\\nbpm\\s+0\\s+0\\s+0\\s+0\\s.*"), again);
    assertTrue(again.contains("(0 workouts and 0 MAC addresses recomputed)"), again);
  }

  @Test
  void aContinuousRunStopsCleanlyOnInterrupt() throws Exception {
    Process run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dpipeline.state=" + temp.resolve("continuous"),
                "-cp",
                System.getProperty("java.class.path"),
                Launcher.class.getName(),
                "stream",
                "run",
                "--interval",
                "1")
            .redirectErrorStream(true)
            .start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
      int refreshes = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        if (line.startsWith("bronze ") && ++refreshes == 2) {
          // What Ctrl-C sends.
          new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
        }
      }
    }
    assertTrue(run.waitFor(60, TimeUnit.SECONDS), output.toString());
    assertTrue(output.toString().contains("stopped cleanly after"), output.toString());
    assertTrue(!output.toString().contains("Exception"), output.toString());
  }
}
