package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * AOT caches (JDK 25, JEP 483/514/515) made the way the step images make theirs
 * (images/Dockerfile.jvm*: a training run, {@link ClassArchiveTraining}, under {@code
 * -XX:AOTCacheOutput}, with the JVM flags the cache will run with), so that the measured JVMs start
 * as an image's do: one cache per step app, and one for the transform core's child JVMs ({@link
 * BenchPass}) on this class path. A cache serves only the JVM build, class path and flags that made
 * it, so they are made in the run's folder, with this JVM (the step runtime: ./pipeline bench runs
 * on it), before anything is timed.
 */
final class ClassArchives {
  /** The step image's flag naming its AOT cache; its path is the image's, not one on this host. */
  static final String FLAG = "-XX:AOTCache=";

  /** The training run's flag: record, then write the cache at exit. */
  private static final String OUTPUT = "-XX:AOTCacheOutput=";

  /** The step images' Java version (scripts/step-jdk.sh): the first with -XX:AOTCacheOutput. */
  private static final int STEP_RUNTIME = 25;

  private final Path dir;
  private final Path logs;

  ClassArchives(Path dir, Path logs) {
    this.dir = dir;
    this.logs = logs;
  }

  /**
   * The image's JVM flags for step app {@code step} (tasks/STEP/target/quarkus-app) on this host:
   * the image's cache replaced by one this JVM made with the same training and flags.
   */
  List<String> stepFlags(Path root, String step, List<String> imageFlags) throws Exception {
    Path archive = dir.resolve(step + ".aot");
    if (!Files.exists(archive)) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(withoutCache(imageFlags));
      command.add(OUTPUT + archive);
      command.add("-jar");
      command.add(root.resolve("tasks/" + step + "/target/quarkus-app/quarkus-run.jar").toString());
      command.add("--train-class-archive");
      train(command, archive, step);
    }
    List<String> flags = new ArrayList<>(withoutCache(imageFlags));
    flags.add(FLAG + archive);
    return flags;
  }

  /**
   * The cache of the transform core's child JVMs: the same training, on this class path; null when
   * the class path holds a folder (classes run from an IDE or a test: a cache holds only jars').
   */
  Path core() throws Exception {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        System.out.println(
            "AOT cache: none for the core (folder on the class path: " + entry + ")");
        return null;
      }
    }
    Path archive = dir.resolve("core.aot");
    if (!Files.exists(archive)) {
      List<String> command = ChildProcess.java(OUTPUT + archive);
      command.add(BenchPass.class.getName());
      command.add(BenchPass.TRAIN);
      train(command, archive, "core");
    }
    return archive;
  }

  /** The image flags without its cache: for JVMs that run no step app. */
  static List<String> withoutCache(List<String> imageFlags) {
    return imageFlags.stream().filter(f -> !f.startsWith(FLAG)).toList();
  }

  private void train(List<String> command, Path archive, String name) throws Exception {
    if (Runtime.version().feature() < STEP_RUNTIME) {
      throw new IllegalStateException(
          "AOT caches need the step runtime, JDK "
              + STEP_RUNTIME
              + "; this JVM is "
              + Runtime.version()
              + " (./pipeline bench runs on the JDK that scripts/step-jdk.sh finds)");
    }
    Files.createDirectories(dir);
    ChildProcess.Result r = ChildProcess.run(command, null, logs, "class-archive-" + name);
    if (r.exitCode() != 0 || !Files.exists(archive)) {
      throw new IllegalStateException(
          "AOT cache training of " + name + " failed:\n" + DeployedSteps.tail(r.output()));
    }
  }
}
