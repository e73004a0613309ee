package io.fitbitpipeline.core.format;

/** A point that is invalid on its own, kept with the raw text of its time and value. */
public record RejectedPoint(String rawTime, String rawValue, String reason) {}
