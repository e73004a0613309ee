package io.fitbitpipeline.core.lakehouse.gold;

/** What one gold run recomputed: the workouts and MAC addresses silver had queued as changed. */
public record GoldResult(long changedWorkouts, long changedMacAddresses, double seconds) {}
