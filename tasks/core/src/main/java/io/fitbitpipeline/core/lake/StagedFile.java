package io.fitbitpipeline.core.lake;

import java.time.LocalDate;

/** A Parquet file a transform wrote to the lake's staging area for one table and one date. */
public record StagedFile(String table, LocalDate date, String key, long rows, long bytes) {}
