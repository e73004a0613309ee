package io.fitbitpipeline.core.lake;

import io.fitbitpipeline.core.activity.Activity;
import java.time.LocalDate;

/** One raw Fitbit response in the raw bucket: one user, one day, one activity. */
public record RawFile(
    String key, String etag, long size, String userId, LocalDate date, Activity activity) {}
