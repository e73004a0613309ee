package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.LoadManifest;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.warehouse.StagingLoad;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Parquet files of one table that a lakehouse step writes for one batch: written locally (one
 * per lake key, e.g. per date partition), uploaded to the lake, then copied into the warehouse with
 * the dialect's loader, the same path the batch pipeline's load step takes.
 */
public final class LakeTableBatch implements Closeable {
  private final WarehouseTable table;
  private final Path workDir;
  private final Map<String, ParquetTableWriter> writers = new LinkedHashMap<>();
  private final Map<String, LocalDate> dates = new LinkedHashMap<>();

  public LakeTableBatch(WarehouseTable table, Path workDir) {
    this.table = table;
    this.workDir = workDir;
  }

  /** The writer of the file that goes to {@code lakeKey}, opened on first use. */
  public ParquetTableWriter writer(String lakeKey, LocalDate date) {
    return writers.computeIfAbsent(
        lakeKey,
        key -> {
          dates.put(key, date);
          try {
            Files.createDirectories(workDir);
            return new ParquetTableWriter(
                table, workDir.resolve(table.name() + "-" + writers.size() + ".parquet"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  public WarehouseTable table() {
    return table;
  }

  public List<String> keys() {
    return List.copyOf(writers.keySet());
  }

  public long rows() {
    return writers.values().stream().mapToLong(ParquetTableWriter::rows).sum();
  }

  public boolean isEmpty() {
    return rows() == 0;
  }

  /**
   * Closes the files, uploads them and, for Redshift's COPY, a manifest naming exactly them;
   * returns the load of these files into {@code target}.
   */
  public StagingLoad upload(ObjectStore store, LakeLayout lake, String manifestKey, String target)
      throws IOException {
    close();
    List<StagedFile> files = new ArrayList<>();
    for (Map.Entry<String, ParquetTableWriter> entry : writers.entrySet()) {
      ParquetTableWriter writer = entry.getValue();
      store.putFile(lake.bucket(), entry.getKey(), writer.file());
      files.add(
          new StagedFile(
              table.name(),
              dates.get(entry.getKey()),
              entry.getKey(),
              writer.rows(),
              Files.size(writer.file())));
    }
    if (!files.isEmpty()) {
      store.put(lake.bucket(), manifestKey, LoadManifest.render(lake, files));
    }
    return new StagingLoad(table, target, List.copyOf(files), manifestKey);
  }

  @Override
  public void close() throws IOException {
    for (ParquetTableWriter writer : writers.values()) {
      writer.close();
    }
  }

  /** Deletes the local files (they are in the lake, or the batch was abandoned). */
  public void deleteLocal() throws IOException {
    close();
    for (ParquetTableWriter writer : writers.values()) {
      Files.deleteIfExists(writer.file());
    }
  }
}
