package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.DayOfData;
import io.fitbitpipeline.core.format.DayValidator;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.format.InvalidFileException;
import io.fitbitpipeline.core.format.IsoDate;
import io.fitbitpipeline.core.format.RawBody;
import io.fitbitpipeline.core.format.RawDayReader;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The transform core on local files: the step's reader (body limits, parser, validator: {@link
 * RawDayReader}) and row writer ({@link DayRows}) into date-partitioned snappy Parquet, without S3
 * or the warehouse. With n threads the files are dealt round-robin, each thread with its own
 * parser, day buffer and writers.
 *
 * <p>Two users: the benchmark's transform core, and {@link
 * io.fitbitpipeline.core.cli.ClassArchiveTraining}, the run a step image makes while it is built so
 * that its AOT cache holds the classes this path loads.
 */
public final class LocalTransform {
  private static final RunId RUN = new RunId("local");

  private LocalTransform() {}

  /** Rows and value sum of each activity's intraday table, and the files quarantined. */
  public record Totals(
      Map<Activity, long[]> rows, Map<Activity, double[]> sums, long quarantined) {}

  public static Totals run(Map<Activity, List<Path>> files, Path out, int threads)
      throws Exception {
    return run(files, out, threads, InputLimits.DEFAULT);
  }

  public static Totals run(
      Map<Activity, List<Path>> files, Path out, int threads, InputLimits limits) throws Exception {
    Files.createDirectories(out);
    Map<Activity, long[]> rows = new LinkedHashMap<>();
    Map<Activity, double[]> sums = new LinkedHashMap<>();
    long[] quarantined = new long[1];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (Map.Entry<Activity, List<Path>> entry : files.entrySet()) {
        Activity activity = entry.getKey();
        List<Future<double[]>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          List<Path> share = new ArrayList<>();
          for (int i = t; i < entry.getValue().size(); i += threads) {
            share.add(entry.getValue().get(i));
          }
          Path dir = out.resolve(activity.id() + "-t" + t);
          parts.add(pool.submit(() -> transform(activity, share, dir, limits)));
        }
        long activityRows = 0;
        double activitySum = 0;
        for (Future<double[]> part : parts) {
          double[] r = part.get();
          activityRows += (long) r[0];
          activitySum += r[1];
          quarantined[0] += (long) r[2];
        }
        rows.put(activity, new long[] {activityRows});
        sums.put(activity, new double[] {activitySum});
      }
    } finally {
      pool.shutdownNow();
    }
    return new Totals(rows, sums, quarantined[0]);
  }

  /** Returns {rows, sum, quarantined} of one thread's share. */
  private static double[] transform(
      Activity activity, List<Path> files, Path dir, InputLimits limits) throws IOException {
    Files.createDirectories(dir);
    RawDayReader reader =
        new RawDayReader(
            new RawBody(limits), new FitbitDayParser(limits.jsonFactory()), new DayValidator());
    DayRows dayRows = new DayRows();
    DayOfData day = new DayOfData();
    long rows = 0;
    double sum = 0;
    long quarantined = 0;
    Writers writers = null;
    try {
      for (Path file : files) {
        String user = file.getParent().getParent().getFileName().toString();
        LocalDate date = IsoDate.parse(file.getParent().getFileName().toString());
        if (writers == null || !writers.date.equals(date)) {
          if (writers != null) {
            writers.close();
          }
          writers = new Writers(dir, date);
        }
        RawFile raw =
            new RawFile(
                user + "/" + date + "/" + activity.id() + ".json",
                "",
                Files.size(file),
                user,
                date,
                activity);
        DayValidator.ValidDay valid;
        // Unbuffered, as the step hands the reader its object stream: RawBody buffers.
        try (InputStream in = Files.newInputStream(file)) {
          valid = reader.read(in, activity, date, day);
        } catch (InvalidFileException e) {
          quarantined++;
          continue;
        }
        rows += dayRows.write(raw, activity, RUN, day, valid, writers);
        sum += day.intradaySum();
      }
    } finally {
      if (writers != null) {
        writers.close();
      }
    }
    return new double[] {rows, sum, quarantined};
  }

  /** One date's writers, one file per table, as the step's date batch keeps them. */
  private static final class Writers implements TableWriters, AutoCloseable {
    final Path dir;
    final LocalDate date;
    final Map<String, ParquetTableWriter> open = new LinkedHashMap<>();

    Writers(Path dir, LocalDate date) {
      this.dir = dir;
      this.date = date;
    }

    @Override
    public ParquetTableWriter writer(WarehouseTable table) throws IOException {
      ParquetTableWriter writer = open.get(table.name());
      if (writer == null) {
        writer = new ParquetTableWriter(table, dir.resolve(table.name() + "-" + date + ".parquet"));
        open.put(table.name(), writer);
      }
      return writer;
    }

    @Override
    public void close() throws IOException {
      for (ParquetTableWriter writer : open.values()) {
        writer.close();
      }
    }
  }
}
