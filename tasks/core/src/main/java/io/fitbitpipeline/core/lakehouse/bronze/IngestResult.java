package io.fitbitpipeline.core.lakehouse.bronze;

/**
 * What one ingest of a source did: records (or CSV lines) read and written to bronze, which are
 * always equal, in how many batches and files, and how long it took.
 */
public record IngestResult(
    String source, long records, long batches, long files, int recovered, double seconds) {}
