package io.fitbitpipeline.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an image build runs to fill its AOT cache: the sample days' files transformed and read back,
 * with the broken one quarantined, the S3 and JDBC clients' requests refused, and nothing left
 * behind in the temporary folder.
 */
class ClassArchiveTrainingTest {
  private static final Pattern SUMMARY =
      Pattern.compile(
          "class archive training: (\\d+) files, (\\d+) quarantined, (\\d+) intraday rows written"
              + " and read back, (\\d+) requests refused\\R");

  @Test
  void transformsTheSampleDaysReadsThemBackAndCleansUp(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code =
        new ClassArchiveTraining(tmp, new PrintStream(out, true, StandardCharsets.UTF_8)).run();

    assertEquals(0, code);
    Matcher summary = SUMMARY.matcher(out.toString(StandardCharsets.UTF_8));
    assertTrue(summary.matches(), out.toString(StandardCharsets.UTF_8));
    // 20 users x 2 days x 6 activities; the keys that are no activity's file are left out.
    assertEquals(240, Integer.parseInt(summary.group(1)));
    // user11's distance of the first day holds another day's summary.
    assertEquals(1, Integer.parseInt(summary.group(2)));
    assertTrue(Long.parseLong(summary.group(3)) > 20 * 2 * 1440, summary.group(3));
    // S3: list, read, exists, put, upload; the warehouse through PostgreSQL's and Redshift's
    // drivers. Each went to a port where nothing listens, and each was refused.
    assertEquals(7, Integer.parseInt(summary.group(4)));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count());
    }
  }
}
