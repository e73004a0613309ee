package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.LakeLayout;
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
 * closed together when the transform moves on to the next date (then uploaded by {@link
 * StagingUploads}).
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

  /** A table's finished file on local disk and what it will be once uploaded. */
  record ClosedFile(Path path, StagedFile staged) {}

  /**
   * Closes every writer; returns each table's file with its place in the lake, for {@link
   * StagingUploads} to upload. The files are the caller's from now on.
   */
  List<ClosedFile> closeWriters(LakeLayout lake) throws IOException {
    List<ClosedFile> closed = new ArrayList<>();
    for (ParquetTableWriter writer : writers.values()) {
      writer.close();
      String key = lake.stagingFile(writer.table().name(), date, run, activity, shard);
      closed.add(
          new ClosedFile(
              writer.file(),
              new StagedFile(
                  writer.table().name(), date, key, writer.rows(), Files.size(writer.file()))));
    }
    // Only once every writer closed: if one fails (a full disk), close() still finds all of them
    // and deletes their files, those already closed included.
    writers.clear();
    return closed;
  }

  /**
   * Closes what is still open and deletes every local file of the date, on the way out of a failed
   * step: failures to close are dropped here, so the step's own failure is the one reported.
   */
  @Override
  public void close() throws IOException {
    for (ParquetTableWriter writer : writers.values()) {
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        // The step is failing already (see above); the file goes either way.
      } finally {
        Files.deleteIfExists(writer.file());
      }
    }
    writers.clear();
  }
}
