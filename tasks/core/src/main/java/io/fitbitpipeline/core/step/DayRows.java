package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.activity.ValueKind;
import io.fitbitpipeline.core.format.DailySummary;
import io.fitbitpipeline.core.format.DayOfData;
import io.fitbitpipeline.core.format.DayValidator;
import io.fitbitpipeline.core.format.HeartRateZone;
import io.fitbitpipeline.core.format.RejectedPoint;
import io.fitbitpipeline.core.lake.RawFile;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.parquet.TableSchemas;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one parsed and validated user-day into table rows: intraday points, the daily summary (and
 * heart-rate zones) and rejected points. Shared by the transform step and the benchmark, so what
 * the benchmark measures is exactly what the step does.
 */
public final class DayRows {
  /** Writes the day's rows; returns the number of intraday rows written. */
  public long write(
      RawFile file,
      Activity activity,
      RunId run,
      DayOfData day,
      DayValidator.ValidDay valid,
      TableWriters writers)
      throws IOException {
    long written = writeIntraday(file, activity, day, writers);
    writeDaily(file, activity, valid, writers);
    writeRejected(file, activity, run, day, writers);
    return written;
  }

  private static long writeIntraday(
      RawFile file, Activity activity, DayOfData day, TableWriters writers) throws IOException {
    if (day.pointCount() == 0) {
      return 0;
    }
    ParquetTableWriter writer = writers.writer(Tables.intraday(activity));
    return writePoints(
        writer, file.userId(), TableSchemas.localMicros(file.date(), 0), activity, day);
  }

  /**
   * The day's points as rows. Kept apart from the per-file set-up above: as one method the JIT
   * compiled the table lookup and the writer's creation into the hot loop, the largest compilation
   * of a step's only pass.
   */
  private static long writePoints(
      ParquetTableWriter writer, String user, long dayMicros, Activity activity, DayOfData day)
      throws IOException {
    boolean integer = activity.intradayKind() == ValueKind.INTEGER;
    boolean levelAndMets = activity.hasLevelAndMets();
    long rows = 0;
    for (int s = day.nextPoint(0); s >= 0; s = day.nextPoint(s + 1)) {
      double value = day.value(s);
      writer.setText(0, user).setLong(1, dayMicros + s * 1_000_000L);
      if (integer) {
        writer.setInt(2, (int) value);
      } else {
        writer.setDouble(2, value);
      }
      if (levelAndMets) {
        if (day.level(s) < 0) {
          writer.setNull(3);
        } else {
          writer.setInt(3, day.level(s));
        }
        // METs arrive as METs x 10; the warehouse holds METs.
        if (day.mets(s) < 0) {
          writer.setNull(4);
        } else {
          writer.setDouble(4, day.mets(s) / 10.0);
        }
      }
      writer.write();
      rows++;
    }
    return rows;
  }

  private static void writeDaily(
      RawFile file, Activity activity, DayValidator.ValidDay valid, TableWriters writers)
      throws IOException {
    DailySummary summary = valid.summary();
    if (summary == null) {
      return;
    }
    int epochDay = (int) file.date().toEpochDay();
    List<WarehouseTable> daily = Tables.daily(activity);
    if (!activity.hasHeartRateZones()) {
      writers
          .writer(daily.get(0))
          .set(0, file.userId())
          .set(1, epochDay)
          .set(2, valid.dailyValue())
          .write();
      return;
    }
    writers
        .writer(daily.get(0))
        .set(0, file.userId())
        .set(1, epochDay)
        .set(2, summary.restingHeartRate())
        .write();
    // A custom zone may reuse a standard name; the key is (user, date, zone), so the last wins.
    Map<String, HeartRateZone> zones = new LinkedHashMap<>();
    summary.zones().forEach(z -> zones.put(z.name(), z));
    ParquetTableWriter writer = writers.writer(daily.get(1));
    for (HeartRateZone zone : zones.values()) {
      writer
          .set(0, file.userId())
          .set(1, epochDay)
          .set(2, zone.name())
          .set(3, zone.minBpm())
          .set(4, zone.maxBpm())
          .set(5, zone.minutes())
          .set(6, zone.caloriesOut())
          .write();
    }
  }

  private static void writeRejected(
      RawFile file, Activity activity, RunId run, DayOfData day, TableWriters writers)
      throws IOException {
    if (day.rejected().isEmpty()) {
      return;
    }
    ParquetTableWriter writer = writers.writer(Tables.REJECTED_POINTS);
    int epochDay = (int) file.date().toEpochDay();
    for (RejectedPoint point : day.rejected()) {
      writer
          .set(0, file.key())
          .set(1, activity.id())
          .set(2, file.userId())
          .set(3, epochDay)
          .set(4, point.rawTime())
          .set(5, point.rawValue())
          .set(6, point.reason())
          .set(7, run.value())
          .write();
    }
  }
}
