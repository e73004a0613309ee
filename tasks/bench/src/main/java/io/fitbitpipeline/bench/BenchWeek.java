package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark's input: a deterministic week of valid files laid out as the raw bucket is
 * ({user_id}/{yyyy-MM-dd}/{activity}.json), a quarter of the users with 1-second heart data.
 * Generated once per size and kept, so repeated benchmarks read the same bytes.
 */
record BenchWeek(Path dir, Window window, int users) {
  static final LocalDate FIRST_DAY = LocalDate.parse("2026-11-16");

  static BenchWeek prepare(Path root, int users, int days) throws IOException {
    Window window = new Window(FIRST_DAY, FIRST_DAY.plusDays(days - 1L));
    Path dir = root.resolve("week-" + users + "u-" + days + "d");
    Path done = dir.resolve(".complete");
    if (!Files.exists(done)) {
      Files.createDirectories(dir);
      // Every fourth user sends 1-second heart data: a quarter of the users.
      Map<String, byte[]> files = SampleWeek.generate(window, users, u -> u % 4 == 0, false);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Path target = dir.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
      }
      Files.writeString(done, files.size() + " files\n");
    }
    return new BenchWeek(dir, window, users);
  }

  /** One activity's files, by date then user (the order extract lists them in). */
  List<Path> files(Activity activity) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> users = Files.list(dir)) {
      for (Path user : users.filter(Files::isDirectory).toList()) {
        try (Stream<Path> days = Files.list(user)) {
          for (Path day : days.toList()) {
            Path file = day.resolve(activity.id() + ".json");
            if (Files.exists(file)) {
              files.add(file);
            }
          }
        }
      }
    }
    files.sort(
        Comparator.comparing((Path f) -> f.getParent().getFileName().toString())
            .thenComparing(f -> f.getParent().getParent().getFileName().toString()));
    return files;
  }

  long bytes() throws IOException {
    long total = 0;
    for (Activity activity : Activity.values()) {
      for (Path file : files(activity)) {
        total += Files.size(file);
      }
    }
    return total;
  }

  long fileCount() throws IOException {
    long total = 0;
    for (Activity activity : Activity.values()) {
      total += files(activity).size();
    }
    return total;
  }
}
