package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.lake.StagedFile;
import java.util.List;
import java.util.Map;

/**
 * What transform wrote for one activity: one result per raw object, the Parquet files per table and
 * date, and the row counts that promote checks staging against.
 */
public record TransformManifest(
    String runId,
    String activity,
    List<FileResult> results,
    List<StagedFile> stagedFiles,
    Map<String, Long> rowsPerTable) {}
