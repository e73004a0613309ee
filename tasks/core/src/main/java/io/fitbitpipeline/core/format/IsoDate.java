package io.fitbitpipeline.core.format;

import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * {@code LocalDate.parse} for the one form every raw key and summary holds, yyyy-MM-dd: read digit
 * by digit. Every file of a run has its date parsed twice (key and summary), and java.time's
 * general formatter is among the larger methods the JIT compiles during a step's only pass; any
 * other text, invalid dates included, goes to {@code LocalDate.parse}, so results and errors stay
 * java.time's.
 */
public final class IsoDate {
  private IsoDate() {}

  /** The date, or {@link DateTimeParseException} exactly where {@code LocalDate.parse} throws. */
  public static LocalDate parse(CharSequence text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      if (year >= 0
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= Month.of(month).length(Year.isLeap(year))) {
        return LocalDate.of(year, month, day);
      }
    }
    return LocalDate.parse(text);
  }

  /** The number of {@code count} ASCII digits from {@code from}, or -1. */
  private static int digits(CharSequence text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
