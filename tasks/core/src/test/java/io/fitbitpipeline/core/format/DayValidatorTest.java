package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fitbitpipeline.core.activity.Activity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DayValidatorTest {
  private static final LocalDate KEY_DATE = LocalDate.of(2026, 11, 16);
  private final DayValidator validator = new DayValidator();

  private DayValidator.ValidDay validate(Activity activity, String json) throws Exception {
    DayOfData day = new DayOfData();
    new FitbitDayParser()
        .parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), activity, day);
    return validator.validate(activity, KEY_DATE, day);
  }

  private static String steps(String date, String value) {
    return "{\"activities-steps\":[{\"dateTime\":\""
        + date
        + "\",\"value\":"
        + value
        + "}],"
        + "\"activities-steps-intraday\":{\"dataset\":[{\"time\":\"00:00:00\",\"value\":10}]}}";
  }

  @Test
  void summaryDateMustBeTheKeysDate() {
    String reason =
        assertThrows(
                InvalidFileException.class,
                () -> validate(Activity.STEPS, steps("2026-11-17", "\"10\"")))
            .reason();
    assertEquals("summary dateTime 2026-11-17 disagrees with the key's date 2026-11-16", reason);
  }

  @Test
  void dailyValueMustBeANonNegativeNumberOfTheRightKind() {
    assertEquals(
        "the day's value 'ten' is not a number",
        assertThrows(
                InvalidFileException.class,
                () -> validate(Activity.STEPS, steps("2026-11-16", "\"ten\"")))
            .reason());
    assertEquals(
        "the day's value -3 is negative",
        assertThrows(
                InvalidFileException.class,
                () -> validate(Activity.STEPS, steps("2026-11-16", "\"-3\"")))
            .reason());
    assertEquals(
        "the day's value 1.5 is not a whole number",
        assertThrows(
                InvalidFileException.class,
                () -> validate(Activity.STEPS, steps("2026-11-16", "\"1.5\"")))
            .reason());
  }

  @Test
  void matchingSumHasNoFlagAndNumbersAreAcceptedToo() throws Exception {
    DayValidator.ValidDay valid = validate(Activity.STEPS, steps("2026-11-16", "10"));
    assertEquals(10, valid.dailyValue());
    assertNull(valid.flags());
    assertEquals(
        6.4281999999999995,
        validate(
                Activity.DISTANCE,
                "{\"activities-distance\":[{\"dateTime\":\"2026-11-16\",\"value\":\"6.4281999999999995\"}]}")
            .dailyValue());
  }
}
