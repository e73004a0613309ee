package io.fitbitpipeline.core.format;

/**
 * One heart-rate zone of a day. On a day without data Fitbit sends only name, min and max, so
 * minutes and calories may be null.
 */
public record HeartRateZone(
    String name,
    Integer minBpm,
    Integer maxBpm,
    Integer minutes,
    Double caloriesOut,
    boolean custom) {}
