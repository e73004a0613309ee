package io.fitbitpipeline.core.format;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.activity.ValueKind;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * File-level rules that need the object key: the summary must be for the key's day, and its value
 * must be a non-negative number of the activity's kind. Intraday sums that differ from the day's
 * value are normal after late syncs, so they are flagged, not rejected.
 */
public final class DayValidator {
  /** The day's summary as validated, and what to flag about the file. */
  public record ValidDay(DailySummary summary, Number dailyValue, String flags) {}

  public ValidDay validate(Activity activity, LocalDate keyDate, DayOfData day)
      throws InvalidFileException {
    for (DailySummary summary : day.summaries()) {
      if (!summary.date().equals(keyDate)) {
        throw new InvalidFileException(
            "summary dateTime "
                + summary.date()
                + " disagrees with the key's date "
                + keyDate
                + (day.summaries().size() > 1
                    ? " (the file holds " + day.summaries().size() + " days)"
                    : ""));
      }
    }
    DailySummary summary = day.summaryFor(keyDate);
    if (summary == null || activity.hasHeartRateZones()) {
      return new ValidDay(summary, null, null);
    }
    if (summary.value() == null) {
      throw new InvalidFileException("the day's summary has no value");
    }
    Number value = parseDailyValue(activity, summary.value());
    return new ValidDay(summary, value, sumFlag(day, value.doubleValue()));
  }

  private static Number parseDailyValue(Activity activity, String text)
      throws InvalidFileException {
    BigDecimal value;
    try {
      value = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidFileException("the day's value '" + text + "' is not a number");
    }
    if (value.signum() < 0) {
      throw new InvalidFileException("the day's value " + text + " is negative");
    }
    if (activity.dailyKind() == ValueKind.INTEGER) {
      try {
        return value.intValueExact();
      } catch (ArithmeticException e) {
        throw new InvalidFileException("the day's value " + text + " is not a whole number");
      }
    }
    return value.doubleValue();
  }

  private static String sumFlag(DayOfData day, double daily) {
    if (day.pointCount() == 0) {
      return null;
    }
    double sum = day.intradaySum();
    double tolerance = Math.max(1.0, Math.abs(daily) * 0.01);
    if (Math.abs(sum - daily) <= tolerance) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT, "intraday_sum_differs(daily=%s, intraday=%.3f)", daily, sum);
  }
}
