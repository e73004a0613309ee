package io.fitbitpipeline.core.run;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The calendar days a run covers, both ends included: an ISO week or explicit dates. */
public record Window(LocalDate from, LocalDate to) {
  private static final Pattern ISO_WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");

  public Window {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "window ends (" + to + ") before it starts (" + from + ")");
    }
  }

  public static Window isoWeek(String week) {
    Matcher m = ISO_WEEK.matcher(week == null ? "" : week);
    if (!m.matches()) {
      throw new IllegalArgumentException("week '" + week + "' is not an ISO week like 2026-W47");
    }
    int year = Integer.parseInt(m.group(1));
    int number = Integer.parseInt(m.group(2));
    LocalDate anyDay = LocalDate.of(year, 6, 1);
    if (number < 1 || number > anyDay.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum()) {
      throw new IllegalArgumentException("week '" + week + "' does not exist in " + year);
    }
    LocalDate monday =
        anyDay
            .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, number)
            .with(java.time.temporal.ChronoField.DAY_OF_WEEK, DayOfWeek.MONDAY.getValue());
    return new Window(monday, monday.plusDays(6));
  }

  public static Window dates(String from, String to) {
    try {
      return new Window(LocalDate.parse(from), LocalDate.parse(to));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("dates must be yyyy-MM-dd: " + e.getParsedString());
    }
  }

  /** The ISO week that holds {@code day}, e.g. the previous week of today for a default run. */
  public static Window weekOf(LocalDate day) {
    LocalDate monday = day.with(DayOfWeek.MONDAY);
    return new Window(monday, monday.plusDays(6));
  }

  public boolean contains(LocalDate day) {
    return !day.isBefore(from) && !day.isAfter(to);
  }

  public long days() {
    return to.toEpochDay() - from.toEpochDay() + 1;
  }

  @Override
  public String toString() {
    return from + ".." + to;
  }
}
