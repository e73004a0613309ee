package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.StagedFile;
import java.util.List;

/**
 * One table's share of a load: copy exactly these lake files into {@code target}.
 *
 * @param copyManifestKey the load manifest transform wrote for these files (Redshift COPY reads it)
 */
public record StagingLoad(
    WarehouseTable table, String target, List<StagedFile> files, String copyManifestKey) {}
