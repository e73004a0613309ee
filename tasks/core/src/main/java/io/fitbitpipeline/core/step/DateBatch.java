package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Parquet writers of one date partition: a table's file is opened on its first row, and all are
 * closed and uploaded to the lake together when the transform moves on to the next date.
 */
final class DateBatch implements TableWriters, AutoCloseable {
  private final LocalDate date;
  private final Activity activity;
  private final RunId run;
  private final Shard shard;
  private final Path workDir;
  private final Map<String, ParquetTableWriter> writers = new LinkedHashMap<>();

  DateBatch(LocalDate date, Activity activity, RunId run, Shard shard, Path workDir) {
    this.date = date;
    this.activity = activity;
    this.run = run;
    this.shard = shard;
    this.workDir = workDir;
  }

  LocalDate date() {
    return date;
  }

  @Override
  public ParquetTableWriter writer(WarehouseTable table) throws IOException {
    ParquetTableWriter writer = writers.get(table.name());
    if (writer == null) {
      Path file = workDir.resolve(table.name() + "-" + date + ".parquet");
      writer = new ParquetTableWriter(table, file);
      writers.put(table.name(), writer);
    }
    return writer;
  }

  /** Closes every writer and uploads its file; returns what is now staged in the lake. */
  List<StagedFile> publish(ObjectStore store, LakeLayout lake) throws IOException {
    List<StagedFile> staged = new ArrayList<>();
    for (ParquetTableWriter writer : writers.values()) {
      writer.close();
      String key = lake.stagingFile(writer.table().name(), date, run, activity, shard);
      long bytes = Files.size(writer.file());
      store.putFile(lake.bucket(), key, writer.file());
      staged.add(new StagedFile(writer.table().name(), date, key, writer.rows(), bytes));
      Files.deleteIfExists(writer.file());
    }
    writers.clear();
    return staged;
  }

  @Override
  public void close() throws IOException {
    for (ParquetTableWriter writer : writers.values()) {
      writer.close();
      Files.deleteIfExists(writer.file());
    }
    writers.clear();
  }
}
