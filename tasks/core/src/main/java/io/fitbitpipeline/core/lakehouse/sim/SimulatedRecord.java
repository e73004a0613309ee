package io.fitbitpipeline.core.lakehouse.sim;

/**
 * One Kafka record to produce: topic is the logical stream name "user_info", "workout" or "bpm";
 * key may be null; value is the UTF-8 JSON text (or a deliberately invalid text).
 *
 * <p>{@code eventEpochMillis} is the time the record describes (the {@code timestamp} or {@code
 * time} field): hours before the moment it is sent for a late record. For an invalid record it is
 * the moment the record is sent.
 */
public record SimulatedRecord(String topic, String key, String value, long eventEpochMillis) {}
