package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.activity.Activity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pipeline bench: the batch benchmark (see docs/performance.md). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Generates a deterministic week (kept under --dir), then measures, alternating, in one run:",
      "the transform core on local files (1 and 2 threads), DuckDB's conversion of the same files",
      "(1 and 2 threads), a Jackson tokenize-only pass, the transform step as deployed (fresh JVM",
      "per activity through the S3 API, also with injected latency), the load step against",
      "psql \\copy, and ./pipeline run end to end; checks the tools agree first; prints medians,",
      "MB/s, rows/s, peak RSS and ratios against DuckDB."
    })
public final class Bench implements Callable<Integer> {
  @Option(names = "--users", description = "users in the week (default ${DEFAULT-VALUE})")
  int users = 100;

  @Option(names = "--days", description = "days in the week (default ${DEFAULT-VALUE})")
  int days = 7;

  @Option(names = "--reps", description = "alternating repetitions (default ${DEFAULT-VALUE})")
  int reps = 3;

  @Option(
      names = "--passes",
      description = "passes per child JVM; the first is the cold one (default ${DEFAULT-VALUE})")
  int passes = 3;

  @Option(
      names = "--e2e-reps",
      description = "repetitions of ./pipeline run (default ${DEFAULT-VALUE})")
  int e2eReps = 1;

  @Option(names = "--latency-ms", description = "injected S3 latency (default ${DEFAULT-VALUE})")
  long latencyMillis = 20;

  @Option(
      names = "--big-file-mb",
      description = "size of the memory check's synthetic file (default ${DEFAULT-VALUE})")
  long bigFileMb = 1024;

  @Option(
      names = "--skip",
      split = ",",
      description =
          "parts to leave out: passes (core, DuckDB, tokenize), deployed, latency, load, e2e,"
              + " memory; e.g. --skip passes,latency,memory measures load, psql and the run only")
  Set<String> skip = Set.of();

  @Option(
      names = "--series",
      split = ",",
      description =
          "only the scale series: the transform core and the deployed step at each number of"
              + " users (for example 25,100,400), per million rows; --reps repetitions each")
  List<Integer> series = List.of();

  @Option(
      names = "--step-java-options",
      description =
          "with --series: JVM options added after the step images' own for the deployed"
              + " transform; repeat to compare variants side by side (\"\" = none), for example"
              + " --step-java-options= --step-java-options=-XX:TieredStopAtLevel=1")
  List<String> stepJavaOptions = List.of();

  @Option(names = "--dir", description = "where weeks and outputs are kept")
  Path dir;

  @Option(names = "--docs", description = "write performance.md and performance.svg here")
  Path docs;

  private final Path root =
      Path.of(System.getProperty("pipeline.root", ".")).toAbsolutePath().normalize();

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path base = dir != null ? dir : root.resolve(".pipeline-local/bench");
    if (!series.isEmpty()) {
      List<Series.Point> points =
          new Series(root, base, days, reps, passes, users, stepJavaOptions).run(series);
      System.out.println();
      System.out.print(Series.header());
      points.forEach(p -> Series.rows(p).forEach(System.out::println));
      return 0;
    }
    BenchWeek week = BenchWeek.prepare(base, users, days);
    long bytes = week.bytes();
    System.out.printf(
        Locale.ROOT,
        "week: %d users x %d days, %d files, %.1f MB in %s%n",
        users,
        days,
        week.fileCount(),
        bytes / 1e6,
        week.dir());
    Path out = base.resolve("run-" + users + "u-" + days + "d");
    deleteTree(out);
    Files.createDirectories(out);
    Path logs = out.resolve("logs");
    Map<String, Measurement> cases = new LinkedHashMap<>();
    String[][] passKinds = {
      {"core", "1", "transform core, 1 thread"},
      {"core", "2", "transform core, 2 threads"},
      {"duckdb", "1", "DuckDB, 1 thread"},
      {"duckdb", "2", "DuckDB, 2 threads"},
      {"tokenize", "1", "Jackson tokenize only (ceiling)"}
    };
    if (skip.contains("passes")) {
      passKinds = new String[0][];
    }
    for (String[] kind : passKinds) {
      cases.put(kind[0] + kind[1], new Measurement(kind[2], "warm; median of passes 2.."));
    }
    Path coreArchive =
        passKinds.length == 0
            ? null
            : new ClassArchives(out.resolve("class-archives"), logs).core();
    Map<String, Map<Activity, double[]>> results = new LinkedHashMap<>();
    DeployedSteps deployed = null;
    Map<Activity, double[]> staged = null;
    try {
      if (!skip.contains("deployed")) {
        System.out.println("starting S3 and PostgreSQL, uploading the week, extracting...");
        deployed = DeployedSteps.start(root, week, out.resolve("servers"));
        deployed.extract(logs);
        cases.put("deployed", new Measurement("transform step as deployed", "6 fresh JVMs, S3"));
        if (!skip.contains("latency")) {
          cases.put(
              "latency",
              new Measurement(
                  "transform step, +" + latencyMillis + " ms S3",
                  "6 fresh JVMs, S3 via delay proxy"));
        }
      }
      for (int rep = 1; rep <= reps; rep++) {
        System.out.printf("repetition %d of %d%n", rep, reps);
        for (String[] kind : passKinds) {
          String id = kind[0] + kind[1];
          ChildProcess.Result r =
              ChildProcess.run(
                  BenchPass.command(
                      coreArchive, kind[0], kind[1], week.dir(), out.resolve(id), passes),
                  null,
                  logs,
                  id + "-" + rep);
          if (r.exitCode() != 0) {
            throw new IllegalStateException(id + " failed:\n" + DeployedSteps.tail(r.output()));
          }
          Measurement m = cases.get(id);
          List<Double> passSeconds = new ArrayList<>();
          for (String line : r.lines("PASS ")) {
            passSeconds.add(Double.parseDouble(line.split(" ")[2]));
          }
          m.firstPass.add(passSeconds.get(0));
          m.add(
              Measurement.median(
                  passSeconds.size() > 1
                      ? passSeconds.subList(1, passSeconds.size())
                      : passSeconds));
          m.rss(r.peakRssKb());
          results.put(id, parseResults(r));
          System.out.printf(Locale.ROOT, "  %-34s %s s%n", m.name, passSeconds.toString());
        }
        if (rep == 1 && !results.isEmpty()) {
          checkAgreement(results, out);
        }
        if (deployed != null) {
          double[] t = deployed.transformAll(logs, 0, "transform-" + rep);
          cases.get("deployed").add(t[0]);
          cases.get("deployed").rss((long) t[1]);
          double[] l = {Double.NaN, 0};
          if (cases.containsKey("latency")) {
            l = deployed.transformAll(logs, latencyMillis, "transform-latency-" + rep);
            cases.get("latency").add(l[0]);
            cases.get("latency").rss((long) l[1]);
          }
          System.out.printf(
              Locale.ROOT,
              "  %-34s %.2f s, with %d ms latency %.2f s%n",
              "transform step as deployed",
              t[0],
              latencyMillis,
              l[0]);
          if (!skip.contains("load")) {
            loadAndCopy(deployed, cases, logs, out, rep);
          }
        }
      }
      // Staging holds rows only when the load case ran.
      if (deployed != null && !skip.contains("load")) {
        staged = deployed.stagedTotals();
        if (results.containsKey("duckdb1")) {
          compare("warehouse staging after load", staged, results.get("duckdb1"));
        }
      }
    } finally {
      if (deployed != null) {
        deployed.close();
      }
    }
    if (!skip.contains("e2e")) {
      endToEnd(week, cases, logs, out);
    }
    List<String> memory = List.of();
    if (!skip.contains("memory")) {
      memory = memoryCheck(base, cases, logs);
    }
    long rows = 0;
    // Intraday rows: DuckDB's count, or staging's when the passes were left out.
    Map<Activity, double[]> counted =
        results.containsKey("duckdb1") ? results.get("duckdb1") : staged;
    for (double[] r : counted == null ? List.<double[]>of() : counted.values()) {
      rows += (long) r[0];
    }
    for (Map.Entry<String, Measurement> entry : cases.entrySet()) {
      Measurement m = entry.getValue();
      if (m.bytes == 0) {
        m.bytes = bytes;
      }
      if (m.rows == 0) {
        m.rows = rows;
      }
    }
    BenchReport report = new BenchReport(week, bytes, rows, cases, memory, reps, passes);
    System.out.println();
    System.out.print(report.table());
    System.out.print(report.targets());
    if (docs != null) {
      report.writeDocs(docs, commandLine());
      System.out.println("wrote " + docs.resolve("performance.md") + " and performance.svg");
    }
    return 0;
  }

  private String commandLine() {
    return String.format(
            Locale.ROOT,
            "./pipeline bench --users %d --days %d --reps %d --passes %d --e2e-reps %d",
            users,
            days,
            reps,
            passes,
            e2eReps)
        + (skip.isEmpty() ? "" : " --skip " + String.join(",", new java.util.TreeSet<>(skip)));
  }

  private void loadAndCopy(
      DeployedSteps deployed, Map<String, Measurement> cases, Path logs, Path out, int rep)
      throws Exception {
    Measurement load =
        cases.computeIfAbsent("load", k -> new Measurement("load step (all tables)", "in process"));
    Measurement copy =
        cases.computeIfAbsent(
            "psql", k -> new Measurement("psql \\copy of the same rows", "CSV, one psql"));
    double[] l = deployed.loadAll(logs);
    load.add(l[0]);
    load.rows = (long) l[1];
    Path csv = out.resolve("csv");
    List<io.fitbitpipeline.core.warehouse.WarehouseTable> tables = deployed.prepareCopy(csv);
    double seconds = deployed.psqlCopy(tables, csv, "copy-" + rep);
    copy.add(seconds);
    copy.rows = (long) l[1];
    System.out.printf(
        Locale.ROOT,
        "  %-34s %.2f s, psql \\copy %.2f s (%d rows)%n",
        "load",
        l[0],
        seconds,
        (long) l[1]);
  }

  private void endToEnd(BenchWeek week, Map<String, Measurement> cases, Path logs, Path out)
      throws Exception {
    Measurement run = new Measurement("./pipeline run end to end", "fresh state, embedded servers");
    Measurement promote = new Measurement("promote (in ./pipeline run)", "one transaction");
    for (int rep = 1; rep <= e2eReps; rep++) {
      Path state = out.resolve("e2e-state-" + rep);
      Map<String, String> env = new LinkedHashMap<>(System.getenv());
      env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("WAREHOUSE_"));
      env.put("PIPELINE_STATE_DIR", state.toString());
      env.put("LOOKBACK_WEEKS", "0");
      ChildProcess.Result r =
          ChildProcess.run(
              List.of(
                  root.resolve("pipeline").toString(),
                  "run",
                  "--input",
                  week.dir().toString(),
                  "--from",
                  week.window().from().toString(),
                  "--to",
                  week.window().to().toString()),
              env,
              logs,
              "e2e-" + rep);
      if (r.exitCode() != 0) {
        throw new IllegalStateException(
            "./pipeline run failed:\n" + DeployedSteps.tail(r.output()));
      }
      run.add(r.seconds());
      run.rss(r.peakRssKb());
      r.output()
          .lines()
          .filter(line -> line.startsWith("promote: "))
          .findFirst()
          .ifPresent(
              line ->
                  promote.add(Double.parseDouble(line.replaceAll("^promote: ([0-9.]+)s.*", "$1"))));
      System.out.printf(Locale.ROOT, "  %-34s %.2f s%n", run.name, r.seconds());
      deleteTree(state);
    }
    cases.put("e2e", run);
    if (!promote.seconds.isEmpty()) {
      cases.put("promote", promote);
    }
  }

  private List<String> memoryCheck(Path base, Map<String, Measurement> cases, Path logs)
      throws Exception {
    // The step images' own memory caps (their -D options name classes of the step apps only, their
    // AOT cache is a step app's).
    List<String> caps =
        ClassArchives.withoutCache(DeployedSteps.imageJvmFlags(root)).stream()
            .filter(f -> !f.startsWith("-D"))
            .toList();
    List<String> command = ChildProcess.java(caps.toArray(String[]::new));
    command.add(MemoryCheck.class.getName());
    command.add(base.resolve("memory").toString());
    command.add(Long.toString(bigFileMb));
    ChildProcess.Result r = ChildProcess.run(command, null, logs, "memory");
    if (r.exitCode() != 0) {
      throw new IllegalStateException("memory check failed:\n" + DeployedSteps.tail(r.output()));
    }
    List<String> lines = new ArrayList<>();
    for (String line : r.lines("MEMORY ")) {
      lines.add(
          line.substring(7)
              + String.format(Locale.ROOT, " (peak RSS of the JVM %d MB)", r.peakRssKb() / 1024));
    }
    lines.forEach(l -> System.out.println("  memory: " + l));
    return lines;
  }

  private static Map<Activity, double[]> parseResults(ChildProcess.Result r) {
    Map<Activity, double[]> results = new LinkedHashMap<>();
    for (String line : r.lines("RESULT ")) {
      String[] f = line.split(" ");
      results.put(
          Activity.parse(f[1]), new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
    }
    return results;
  }

  /** The tools must agree on every activity's rows and value sum before any time counts. */
  private static void checkAgreement(Map<String, Map<Activity, double[]>> results, Path out)
      throws Exception {
    Map<Activity, double[]> duck = results.get("duckdb1");
    compare("transform core, 1 thread", results.get("core1"), duck);
    compare("transform core, 2 threads", results.get("core2"), duck);
    compare("DuckDB, 2 threads", results.get("duckdb2"), duck);
    compare(
        "transform core's Parquet read back",
        DuckDbConversion.readBack(lastPass(out.resolve("core1"))),
        duck);
    System.out.println("  check: every tool wrote the same rows and sums per activity");
  }

  private static Path lastPass(Path dir) throws IOException {
    try (Stream<Path> passes = Files.list(dir)) {
      return passes.max(Comparator.naturalOrder()).orElseThrow();
    }
  }

  static void compare(String what, Map<Activity, double[]> got, Map<Activity, double[]> expected) {
    for (Activity activity : Activity.values()) {
      double[] g = got.get(activity);
      double[] e = expected.get(activity);
      boolean same =
          g != null
              && (long) g[0] == (long) e[0]
              && Math.abs(g[1] - e[1]) <= 1e-6 * Math.max(1, Math.abs(e[1]));
      if (!same) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "%s disagrees with DuckDB on %s: rows/sum %s vs %d/%.6f",
                what,
                activity,
                g == null ? "none" : (long) g[0] + "/" + String.format(Locale.ROOT, "%.6f", g[1]),
                (long) e[0],
                e[1]));
      }
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
