package io.fitbitpipeline.core.format;

import java.time.LocalDate;
import java.util.List;

/**
 * One element of the activities-{resource} array.
 *
 * @param value the day's value as sent (a string such as "7390"); null for heart rate
 * @param restingHeartRate heart rate only; null when Fitbit had too little data
 * @param averageHeartRate legacy 1.1 heart form only: the string average in "value"
 */
public record DailySummary(
    LocalDate date,
    String value,
    Integer restingHeartRate,
    String averageHeartRate,
    List<HeartRateZone> zones) {}
