package io.fitbitpipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ./pipeline bench --series 25,100,400: how cost grows with the number of users. At each size the
 * transform core (one thread, one child JVM of several passes) and the transform step as deployed
 * (six fresh JVMs through the S3 API) run on the same generated week; time and peak RSS are
 * reported per million rows, which must stay flat. A week of another size than --users is deleted
 * after it is measured (400 users is about 1 GB of JSON) unless it was already kept; the --users
 * week is kept as the main benchmark keeps it.
 */
final class Series {
  /** One size's figures. */
  record Point(
      int users,
      long files,
      long bytes,
      long rows,
      double coreSeconds,
      double coreFirstPass,
      long coreRssKb,
      List<Deployed> deployed,
      double[] loadAndPromote) {

    double perMillion(double seconds) {
      return seconds / (rows / 1e6);
    }
  }

  /** The deployed transform with one set of extra JVM options ("" = the images' flags only). */
  record Deployed(String options, double seconds, long peakRssKb) {}

  private final Path root;
  private final Path base;
  private final int days;
  private final int reps;
  private final int passes;
  private final int keptUsers;
  private final List<String> variants;

  Series(
      Path root, Path base, int days, int reps, int passes, int keptUsers, List<String> variants) {
    this.keptUsers = keptUsers;
    this.variants = variants.isEmpty() ? List.of("") : List.copyOf(variants);
    this.root = root;
    this.base = base;
    this.days = days;
    this.reps = reps;
    this.passes = passes;
  }

  List<Point> run(List<Integer> sizes) throws Exception {
    List<Point> points = new ArrayList<>();
    for (int users : sizes) {
      boolean kept =
          users == keptUsers
              || Files.exists(base.resolve("week-" + users + "u-" + days + "d/.complete"));
      BenchWeek week = BenchWeek.prepare(base, users, days);
      Path out = base.resolve("series-" + users + "u-" + days + "d");
      try {
        points.add(measure(week, out));
        rows(points.get(points.size() - 1)).forEach(System.out::println);
      } finally {
        Bench.deleteTree(out);
        if (!kept) {
          Bench.deleteTree(week.dir());
        }
      }
    }
    return points;
  }

  private Point measure(BenchWeek week, Path out) throws Exception {
    long bytes = week.bytes();
    long files = week.fileCount();
    System.out.printf(
        Locale.ROOT, "series: %d users, %d files, %.1f MB%n", week.users(), files, bytes / 1e6);
    Path logs = out.resolve("logs");
    List<Double> core = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<List<Double>> deployedSeconds = new ArrayList<>();
    long[] deployedRss = new long[variants.size()];
    for (int v = 0; v < variants.size(); v++) {
      deployedSeconds.add(new ArrayList<>());
      deployedRss[v] = -1;
    }
    long coreRss = -1;
    long rows = 0;
    double[] loadAndPromote;
    try (DeployedSteps deployed = DeployedSteps.start(root, week, out.resolve("servers"))) {
      Path coreArchive = new ClassArchives(out.resolve("class-archives"), logs).core();
      deployed.extract(logs);
      for (int rep = 1; rep <= reps; rep++) {
        List<String> command =
            BenchPass.command(coreArchive, "core", "1", week.dir(), out.resolve("core"), passes);
        ChildProcess.Result r = ChildProcess.run(command, null, logs, "core-" + rep);
        if (r.exitCode() != 0) {
          throw new IllegalStateException("core failed:\n" + DeployedSteps.tail(r.output()));
        }
        List<Double> passSeconds = new ArrayList<>();
        for (String line : r.lines("PASS ")) {
          passSeconds.add(Double.parseDouble(line.split(" ")[2]));
        }
        first.add(passSeconds.get(0));
        core.add(
            Measurement.median(
                passSeconds.size() > 1 ? passSeconds.subList(1, passSeconds.size()) : passSeconds));
        coreRss = Math.max(coreRss, r.peakRssKb());
        rows = 0;
        for (String line : r.lines("RESULT ")) {
          rows += Long.parseLong(line.split(" ")[2]);
        }
        Bench.deleteTree(out.resolve("core"));
        // Flag variants alternate within a repetition, so they meet the same machine load.
        for (int v = 0; v < variants.size(); v++) {
          List<String> options =
              variants.get(v).isBlank() ? List.of() : List.of(variants.get(v).trim().split("\\s+"));
          double[] t = deployed.transformAll(logs, 0, "transform-" + rep + "-v" + v, options);
          deployedSeconds.get(v).add(t[0]);
          deployedRss[v] = Math.max(deployedRss[v], (long) t[1]);
        }
      }
      // Once per size: the other step apps' peak RSS under the same flags.
      loadAndPromote = deployed.loadAndPromoteSteps(logs, "steps");
    }
    List<Deployed> results = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      results.add(
          new Deployed(
              variants.get(v), Measurement.median(deployedSeconds.get(v)), deployedRss[v]));
    }
    return new Point(
        week.users(),
        files,
        bytes,
        rows,
        Measurement.median(core),
        Measurement.median(first),
        coreRss,
        results,
        loadAndPromote);
  }

  static String header() {
    return "| users | files | MB JSON | M rows | core s (warm) | core s / M rows | core 1st pass s"
        + " | core peak RSS | deployed s | deployed s / M rows | deployed peak RSS (max step)"
        + " | extra step JVM options | load / promote steps: s, peak RSS |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
  }

  static List<String> rows(Point p) {
    List<String> lines = new ArrayList<>();
    for (Deployed d : p.deployed()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.1f | %.2f | %.2f | %.3f | %.2f | %d MB | %.2f | %.3f | %d MB | %s"
                  + " | %.1f s, %d MB / %.1f s, %d MB |",
              p.users(),
              p.files(),
              p.bytes() / 1e6,
              p.rows() / 1e6,
              p.coreSeconds(),
              p.perMillion(p.coreSeconds()),
              p.coreFirstPass(),
              p.coreRssKb() / 1024,
              d.seconds(),
              p.perMillion(d.seconds()),
              d.peakRssKb() / 1024,
              d.options().isBlank() ? "(images' flags)" : "`" + d.options().trim() + "`",
              p.loadAndPromote()[2],
              (long) p.loadAndPromote()[0] / 1024,
              p.loadAndPromote()[3],
              (long) p.loadAndPromote()[1] / 1024));
    }
    return lines;
  }
}
