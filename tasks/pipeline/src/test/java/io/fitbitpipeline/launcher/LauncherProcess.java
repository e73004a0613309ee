package io.fitbitpipeline.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code ./pipeline ARGS} as a process of its own (the launcher's main class on this JVM's class
 * path), as Airflow runs each step: so a case can SIGKILL it at any moment without touching the
 * servers or the test. Its stdout and stderr go to one file.
 */
final class LauncherProcess {
  private final Process process;
  private final Path log;
  private final String name;

  private LauncherProcess(Process process, Path log, String name) {
    this.process = process;
    this.log = log;
    this.name = name;
  }

  static LauncherProcess start(Map<String, String> env, List<String> args, Path logDir)
      throws IOException {
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, String.join("-", args.subList(0, 1)) + "-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Launcher.class.getName());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new LauncherProcess(builder.start(), log, String.join(" ", args));
  }

  /** The exit code; fails the case if the process outlives {@code timeout}. */
  int waitFor(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(name + " did not end within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** The exit code, or -9 after killing a process that outlived {@code timeout}. */
  int waitOrKill(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      return -9;
    }
    return process.exitValue();
  }

  /** SIGKILL (destroyForcibly is kill -9 on Linux): no shutdown hook, no finally block runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code condition} holds while the process runs; false if the process ended first or
   * the time ran out.
   */
  boolean awaitWhileAlive(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return process.isAlive();
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(5);
    }
    return false;
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
