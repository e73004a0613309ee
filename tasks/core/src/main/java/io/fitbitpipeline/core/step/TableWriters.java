package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;

/** Where a day's rows go: the open Parquet writer of each table (one date partition's). */
public interface TableWriters {
  ParquetTableWriter writer(WarehouseTable table) throws IOException;
}
