package io.fitbitpipeline.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.step.LocalTransform;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * One measured child JVM: {@code passes} passes of one kind over the week, each timed, so the first
 * pass is a fresh JVM's and the later ones are warm. Prints "PASS i seconds cpu_seconds" lines and
 * the last pass's "RESULT activity rows sum" lines for the parent to parse.
 *
 * <p>Usage: BenchPass core|duckdb|tokenize THREADS WEEK_DIR OUT_DIR PASSES, or BenchPass train (the
 * step images' AOT cache training, run by {@link ClassArchives} under -XX:AOTCacheOutput).
 */
public final class BenchPass {
  static final String TRAIN = "train";

  private BenchPass() {}

  /**
   * The child JVM's command line; the core's runs with the AOT cache {@code coreArchive}, as a step
   * image's JVM runs with its own (DuckDB's and the tokenizer's without: theirs is no step).
   */
  static List<String> command(
      Path coreArchive, String kind, String threads, Path week, Path out, int passes) {
    List<String> command =
        kind.equals("core") && coreArchive != null
            ? ChildProcess.java(ClassArchives.FLAG + coreArchive)
            : ChildProcess.java();
    command.addAll(
        List.of(
            BenchPass.class.getName(),
            kind,
            threads,
            week.toString(),
            out.toString(),
            Integer.toString(passes)));
    return command;
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals(TRAIN)) {
      System.exit(ClassArchiveTraining.fromSystem().run());
    }
    String kind = args[0];
    int threads = Integer.parseInt(args[1]);
    Path weekDir = Path.of(args[2]);
    Path out = Path.of(args[3]);
    int passes = Integer.parseInt(args[4]);
    // Logging starts with the JVM, as in a step (Quarkus sets it up before the command runs): here
    // the first logger Parquet asks for would otherwise start logback (on this class path for the
    // local S3 server) inside the first timed pass, about 0.15 s of XML and class loading.
    LoggerFactory.getLogger(BenchPass.class);
    BenchWeek week = new BenchWeek(weekDir, null, 0);
    Map<Activity, List<Path>> files = new LinkedHashMap<>();
    for (Activity activity : Activity.values()) {
      files.put(activity, week.files(activity));
    }
    Map<Activity, double[]> result = Map.of();
    for (int pass = 1; pass <= passes; pass++) {
      Path passOut = out.resolve("pass" + pass);
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      switch (kind) {
        case "core" -> {
          LocalTransform.Totals totals = LocalTransform.run(files, passOut, threads);
          Map<Activity, double[]> r = new LinkedHashMap<>();
          totals
              .rows()
              .forEach((a, rows) -> r.put(a, new double[] {rows[0], totals.sums().get(a)[0]}));
          result = r;
        }
        case "duckdb" -> result = DuckDbConversion.run(weekDir, passOut, threads);
        case "tokenize" -> result = tokenize(files);
        default -> throw new IllegalArgumentException("unknown pass kind " + kind);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // CPU seconds of the whole JVM (JIT and GC threads included): on a shared machine they
      // move far less than wall time when other processes take the cores.
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "PASS %d %.4f %.4f%n", pass, seconds, cpuSeconds);
      if (pass < passes) {
        Bench.deleteTree(passOut);
      }
    }
    result.forEach(
        (a, r) ->
            System.out.printf(
                java.util.Locale.ROOT, "RESULT %s %d %.6f%n", a.id(), (long) r[0], r[1]));
    System.out.flush();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The ceiling: every token of every file read by Jackson, nothing done with it. */
  private static Map<Activity, double[]> tokenize(Map<Activity, List<Path>> files)
      throws Exception {
    JsonFactory factory = new JsonFactory();
    Map<Activity, double[]> tokens = new LinkedHashMap<>();
    for (Map.Entry<Activity, List<Path>> entry : files.entrySet()) {
      long count = 0;
      for (Path file : entry.getValue()) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            JsonParser p = factory.createParser(in)) {
          while (p.nextToken() != null) {
            count++;
          }
        }
      }
      tokens.put(entry.getKey(), new double[] {count, 0});
    }
    return tokens;
  }
}
