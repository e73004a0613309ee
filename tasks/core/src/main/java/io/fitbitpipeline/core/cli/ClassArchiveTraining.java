package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.lake.RawLayout;
import io.fitbitpipeline.core.lake.StoredObject;
import io.fitbitpipeline.core.parquet.FlatParquetRows;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.LocalTransform;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run a step image makes once while it is built, under {@code -XX:ArchiveClassesAtExit}: the
 * classes it loads go into the image's class-data archive (AppCDS), which every later start of the
 * image maps instead of loading, verifying and linking those classes again. A step is one pass in a
 * fresh JVM, so that work was paid on every run (docs/performance.md, "AppCDS").
 *
 * <p>It needs no server, since nothing is reachable while an image builds: two days of the sample
 * week, quirks and broken files included (so the quarantine path is loaded too), go through the
 * transform's reader, validator and Parquet writers ({@link LocalTransform}) into a temporary
 * folder and are read back as the load step reads them ({@link FlatParquetRows}). Classes of the S3
 * client and the JDBC drivers are not trained: only a real request loads them.
 */
public final class ClassArchiveTraining {
  /** The sample week's first two days: a date change closes and opens the writers once. */
  private static final Window WINDOW =
      new Window(LocalDate.parse("2026-11-16"), LocalDate.parse("2026-11-17"));

  private final Path tmp;
  private final PrintStream out;

  public ClassArchiveTraining(Path tmp, PrintStream out) {
    this.tmp = tmp;
    this.out = out;
  }

  public static ClassArchiveTraining fromSystem() {
    return new ClassArchiveTraining(Path.of(System.getProperty("java.io.tmpdir")), System.out);
  }

  /** Transforms and reads back; returns the exit code (0), or throws when the rows disagree. */
  public int run() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "class-archive-training");
    try {
      Map<Activity, List<Path>> files = writeRawFiles(dir.resolve("raw"));
      Path lake = dir.resolve("lake");
      LocalTransform.Totals totals = LocalTransform.run(files, lake, 1);
      long written = totals.rows().values().stream().mapToLong(r -> r[0]).sum();
      long read = readIntradayRows(lake);
      if (read != written) {
        throw new IllegalStateException(
            "class archive training wrote " + written + " intraday rows but read " + read);
      }
      out.printf(
          "class archive training: %d files, %d quarantined, %d intraday rows written and read"
              + " back%n",
          files.values().stream().mapToInt(List::size).sum(), totals.quarantined(), read);
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The sample files laid out as the raw bucket is, keys that are no activity's file left out; in
   * date order, as {@link LocalTransform} takes them (one date's writers open at a time).
   */
  private static Map<Activity, List<Path>> writeRawFiles(Path raw) throws IOException {
    RawLayout layout = new RawLayout("");
    List<RawFile> fits = new ArrayList<>();
    for (Map.Entry<String, byte[]> sample : SampleWeek.generate(WINDOW).entrySet()) {
      String key = sample.getKey();
      if (layout.parse(new StoredObject(key, "", sample.getValue().length))
          instanceof RawLayout.Fits fit) {
        Path file = raw.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, sample.getValue());
        fits.add(fit.file());
      }
    }
    fits.sort(Comparator.comparing(RawFile::date).thenComparing(RawFile::userId));
    Map<Activity, List<Path>> files = new EnumMap<>(Activity.class);
    for (RawFile file : fits) {
      files.computeIfAbsent(file.activity(), a -> new ArrayList<>()).add(raw.resolve(file.key()));
    }
    return files;
  }

  /** Every intraday table's rows, read back with the load step's reader. */
  private static long readIntradayRows(Path lake) throws IOException {
    long rows = 0;
    for (Activity activity : Activity.values()) {
      WarehouseTable table = Tables.intraday(activity);
      String prefix = table.name() + "-";
      try (Stream<Path> all = Files.walk(lake)) {
        for (Path file : all.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
          try (FlatParquetRows.Reader reader = FlatParquetRows.open(table, file)) {
            while (reader.next()) {
              rows++;
            }
          }
        }
      }
    }
    return rows;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
