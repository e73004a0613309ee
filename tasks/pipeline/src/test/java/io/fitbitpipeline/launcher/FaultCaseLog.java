package io.fitbitpipeline.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where each fault case writes its outcome (one tab-separated line: id, group, case, result,
 * seconds, what was checked), so scripts/test-faults.sh can turn them into docs/reliability.md. The
 * file is the system property faults.results, by default target/faults/cases.tsv.
 */
final class FaultCaseLog {
  private final Path file;

  FaultCaseLog(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.getParent());
  }

  static FaultCaseLog fromSystem() throws IOException {
    return new FaultCaseLog(
        Path.of(System.getProperty("faults.results", "target/faults/cases.tsv")));
  }

  /** A case's body, which may fail. */
  interface Body {
    String run() throws Exception;
  }

  /** Runs {@code body} (which returns what it showed), records the outcome, rethrows failures. */
  void record(String id, String group, String title, Body body) throws Exception {
    long start = System.nanoTime();
    String result = "passed";
    String note;
    try {
      note = body.run();
    } catch (org.opentest4j.TestAbortedException e) {
      append(id, group, title, "skipped", start, String.valueOf(e.getMessage()));
      throw e;
    } catch (Exception | AssertionError e) {
      result = "FAILED";
      // The assertion's own line (JUnit's "==> expected"), not the log the message carries.
      java.util.List<String> lines = String.valueOf(e.getMessage()).lines().toList();
      note =
          lines.stream()
              .filter(l -> l.contains("==>") || l.startsWith("ERROR:"))
              .reduce((a, b) -> b)
              .orElse(lines.isEmpty() ? e.getClass().getSimpleName() : lines.get(0));
      append(id, group, title, result, start, note);
      throw e;
    }
    append(id, group, title, result, start, note);
  }

  private void append(String id, String group, String title, String result, long start, String note)
      throws IOException {
    double seconds = (System.nanoTime() - start) / 1e9;
    String line =
        String.join(
                "\t",
                id,
                group,
                title,
                result,
                String.format(java.util.Locale.ROOT, "%.1f", seconds),
                note.replaceAll("[\\t\\r\\n|]+", " "))
            + "\n";
    Files.writeString(
        file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
