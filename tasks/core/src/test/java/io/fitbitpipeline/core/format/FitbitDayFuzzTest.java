package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fitbitpipeline.core.activity.Activity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDate;

/**
 * Coverage-guided fuzzing (Jazzer) of what the transform does with a raw file's bytes: body (gzip,
 * size limit), streaming parser, file-level validation. For any bytes the only outcomes are a valid
 * day whose counts add up or {@link InvalidFileException}: no other exception, no error, no hang.
 *
 * <p>In a normal build Jazzer runs every input under
 * src/test/resources/.../FitbitDayFuzzTestInputs/ as a regression test (the samples of
 * fitbit-samples/, hand-made hostile seeds, and every crash fuzzing found). With JAZZER_FUZZ=1 it
 * fuzzes for {@code maxDuration} and writes any crashing input there (scripts/test.sh does this on
 * every CI run). Every input is also read by Jackson alone: the dataset fast path must leave the
 * same day or the same quarantine reason.
 */
class FitbitDayFuzzTest {
  private static final LocalDate KEY_DATE = LocalDate.of(2026, 11, 16);

  // One reader and day for all inputs, as the transform reuses them across files.
  private final RawDayReader reader = new RawDayReader();
  private final DayOfData day = new DayOfData();

  // The pipeline's reader and Jackson alone: the dataset fast path must change nothing.
  private final RawDayReader[] both = DayOutcome.readers();

  @FuzzTest(maxDuration = "90s")
  void readsADayOrRefusesTheFile(byte[] body) throws IOException {
    for (Activity activity : Activity.values()) {
      assertEquals(
          DayOutcome.of(both[1], new ByteArrayInputStream(body), activity, KEY_DATE),
          DayOutcome.of(both[0], new ByteArrayInputStream(body), activity, KEY_DATE),
          "fast path and Jackson alone disagree for " + activity);
      try {
        DayValidator.ValidDay valid =
            reader.read(new ByteArrayInputStream(body), activity, KEY_DATE, day);
        assertNotNull(valid);
        // points read = rows + rejected + duplicates, as every run's statistics must add up.
        assertEquals(
            day.pointsRead(),
            day.pointCount() + day.rejected().size() + day.duplicates(),
            "points of " + activity);
        for (RejectedPoint point : day.rejected()) {
          assertTrue(
              point.rawValue() == null || point.rawValue().indexOf('\u0000') < 0,
              "a NUL reached a rejected point's raw value");
          assertNotNull(point.reason());
        }
      } catch (InvalidFileException e) {
        assertNotNull(e.reason(), "a quarantine reason");
        assertTrue(!e.reason().isBlank(), "a quarantine reason");
      }
    }
  }
}
