package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.step.LocalTransform;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM with the step images' memory caps (images/Dockerfile.jvm-prebuilt): a full day
 * of 1-second heart data (86,400 points) and a synthetic file of the given size (the day's points
 * repeated: later repeats overwrite earlier ones, as the contract says) go through the transform
 * core. Success is finishing with the right row count; the parent reads the peak RSS.
 *
 * <p>Usage: MemoryCheck DIR BIG_FILE_MB
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long bigBytes = Long.parseLong(args[1]) * 1024 * 1024;
    Path fullDay = dir.resolve("full-day/user01/2026-11-16/heart_rate.json");
    Path big = dir.resolve("big/user02/2026-11-16/heart_rate.json");
    if (!Files.exists(fullDay)) {
      write(fullDay, 0);
    }
    if (!Files.exists(big) || Files.size(big) < bigBytes) {
      write(big, bigBytes);
    }
    for (Path file : List.of(fullDay, big)) {
      long start = System.nanoTime();
      LocalTransform.Totals totals =
          LocalTransform.run(
              Map.of(Activity.HEART_RATE, List.of(file)),
              dir.resolve("out-" + file.getParent().getParent().getFileName()),
              1,
              // The pipeline's 64 MiB file cap is a policy (a larger file is quarantined); lifted
              // here, because this checks that the core streams whatever the size.
              new InputLimits(
                  Long.MAX_VALUE,
                  InputLimits.DEFAULT.maxNestingDepth(),
                  InputLimits.DEFAULT.maxStringLength(),
                  InputLimits.DEFAULT.maxNameLength(),
                  InputLimits.DEFAULT.maxNumberLength()));
      long rows = totals.rows().get(Activity.HEART_RATE)[0];
      System.out.printf(
          java.util.Locale.ROOT,
          "MEMORY %s bytes=%d rows=%d quarantined=%d seconds=%.2f%n",
          file.getParent().getParent().getParent().getFileName(),
          Files.size(file),
          rows,
          totals.quarantined(),
          (System.nanoTime() - start) / 1e9);
      if (rows != 86_400 || totals.quarantined() != 0) {
        throw new IllegalStateException(file + ": expected 86400 rows, got " + rows);
      }
    }
  }

  /** One day of 1-second heart data; with minBytes > 0 the points repeat until the size. */
  private static void write(Path file, long minBytes) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      out.write(
          ("{\"activities-heart\":[{\"dateTime\":\"2026-11-16\",\"value\":{\"customHeartRateZones\":[],"
                  + "\"heartRateZones\":[],\"restingHeartRate\":60}}],"
                  + "\"activities-heart-intraday\":{\"dataset\":[")
              .getBytes(StandardCharsets.US_ASCII));
      String[] times = new String[86_400];
      for (int s = 0; s < times.length; s++) {
        times[s] = FitbitDayParser.formatTime(s);
      }
      long written = 0;
      long i = 0;
      while (i < 86_400 || written < minBytes) {
        int second = (int) (i % 86_400);
        byte[] point =
            ((i == 0 ? "" : ",")
                    + "{\"time\":\""
                    + times[second]
                    + "\",\"value\":"
                    + (60 + second % 60)
                    + "}")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(point);
        written += point.length;
        i++;
      }
      out.write(
          "],\"datasetInterval\":1,\"datasetType\":\"second\"}}"
              .getBytes(StandardCharsets.US_ASCII));
    }
  }
}
