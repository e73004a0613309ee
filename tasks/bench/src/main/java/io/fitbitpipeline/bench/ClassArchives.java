package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-data archives (AppCDS) made the way the step images make theirs (images/Dockerfile.jvm*: a
 * training run, {@link ClassArchiveTraining}, under {@code -XX:ArchiveClassesAtExit}), so that the
 * measured JVMs start as an image's do: one archive per step app, and one for the transform core's
 * child JVMs ({@link BenchPass}) on this class path. An archive serves only the JVM build and class
 * path that made it, so they are made in the run's folder, before anything is timed.
 */
final class ClassArchives {
  /** The step image's flag naming its archive; its path is the image's, not one on this host. */
  static final String FLAG = "-XX:SharedArchiveFile=";

  private final Path dir;
  private final Path logs;

  ClassArchives(Path dir, Path logs) {
    this.dir = dir;
    this.logs = logs;
  }

  /**
   * The image's JVM flags for step app {@code step} (tasks/STEP/target/quarkus-app) on this host:
   * the image's archive replaced by one this JVM made with the same training.
   */
  List<String> stepFlags(Path root, String step, List<String> imageFlags) throws Exception {
    Path archive = dir.resolve(step + ".jsa");
    if (!Files.exists(archive)) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(withoutArchive(imageFlags));
      command.add("-XX:ArchiveClassesAtExit=" + archive);
      command.add("-jar");
      command.add(root.resolve("tasks/" + step + "/target/quarkus-app/quarkus-run.jar").toString());
      command.add("--train-class-archive");
      train(command, archive, step);
    }
    List<String> flags = new ArrayList<>(withoutArchive(imageFlags));
    flags.add(FLAG + archive);
    return flags;
  }

  /**
   * The archive of the transform core's child JVMs: the same training, on this class path; null
   * when the class path holds a folder (classes run from an IDE or a test: CDS archives only jars).
   */
  Path core() throws Exception {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        System.out.println(
            "class archive: none for the core (folder on the class path: " + entry + ")");
        return null;
      }
    }
    Path archive = dir.resolve("core.jsa");
    if (!Files.exists(archive)) {
      List<String> command = ChildProcess.java("-XX:ArchiveClassesAtExit=" + archive);
      command.add(BenchPass.class.getName());
      command.add(BenchPass.TRAIN);
      train(command, archive, "core");
    }
    return archive;
  }

  /** The image flags without its archive: for JVMs that run no step app. */
  static List<String> withoutArchive(List<String> imageFlags) {
    return imageFlags.stream().filter(f -> !f.startsWith(FLAG)).toList();
  }

  private void train(List<String> command, Path archive, String name) throws Exception {
    Files.createDirectories(dir);
    ChildProcess.Result r = ChildProcess.run(command, null, logs, "class-archive-" + name);
    if (r.exitCode() != 0 || !Files.exists(archive)) {
      throw new IllegalStateException(
          "class archive training of " + name + " failed:\n" + DeployedSteps.tail(r.output()));
    }
  }
}
