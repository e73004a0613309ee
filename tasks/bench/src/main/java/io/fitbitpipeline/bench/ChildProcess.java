package io.fitbitpipeline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one measured process under GNU time (/usr/bin/time -v) when the machine has it, so the peak
 * RSS is the kernel's figure for that process, not a sample.
 */
final class ChildProcess {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final Pattern MAX_RSS =
      Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

  /** What a finished process printed, how long it took and its peak RSS (-1: unknown). */
  record Result(int exitCode, String output, double seconds, long peakRssKb) {
    List<String> lines(String prefix) {
      return output.lines().filter(l -> l.startsWith(prefix)).toList();
    }
  }

  private ChildProcess() {}

  static Result run(List<String> command, Map<String, String> env, Path logDir, String name)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path timeFile = logDir.resolve(name + ".time");
    List<String> full = new ArrayList<>();
    boolean timed = Files.isExecutable(GNU_TIME);
    if (timed) {
      full.addAll(List.of(GNU_TIME.toString(), "-v", "-o", timeFile.toString()));
    }
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.redirectOutput(out.toFile());
    if (env != null) {
      builder.environment().clear();
      builder.environment().putAll(env);
    }
    long start = System.nanoTime();
    int code = builder.start().waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    String output = Files.readString(out, StandardCharsets.UTF_8);
    long rss = -1;
    if (timed && Files.exists(timeFile)) {
      Matcher m = MAX_RSS.matcher(Files.readString(timeFile, StandardCharsets.UTF_8));
      if (m.find()) {
        rss = Long.parseLong(m.group(1));
      }
    }
    return new Result(code, output, seconds, rss);
  }

  /** The same JVM binary and class path as this process: for the measured child JVMs. */
  static List<String> java(String... jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return command;
  }
}
