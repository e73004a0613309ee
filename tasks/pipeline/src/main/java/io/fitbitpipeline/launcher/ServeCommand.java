package io.fitbitpipeline.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the local S3-API server, PostgreSQL and a Kafka broker, creates buckets and",
      "schemas, writes the variables that reach them to --env-file, and serves until stopped",
      "(SIGTERM or Ctrl-C). Step commands, the step jars and the Airflow DAGs in local mode",
      "then use these servers."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--env-file",
      required = true,
      paramLabel = "PATH",
      description = "KEY=VALUE lines")
  Path envFile;

  @Option(names = "--no-kafka", description = "without the Kafka broker (the batch pipeline only)")
  boolean noKafka;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    CountDownLatch stopped = new CountDownLatch(1);
    LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out, !noKafka);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    environment.close();
                  } catch (Exception e) {
                    System.err.println("stopping the local servers: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    // Both halves' migrations: one warehouse, one schema history.
    context.pipeline(environment).migrate();
    StringBuilder lines = new StringBuilder();
    environment.variables().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
    Path absolute = envFile.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    // Written whole and then renamed, so a reader that waits for the file never sees half of it.
    Path temp = Files.createTempFile(absolute.getParent(), ".env", ".tmp");
    Files.writeString(temp, lines.toString(), StandardCharsets.UTF_8);
    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("serving; variables written to " + absolute + " (stop with Ctrl-C)");
    stopped.await();
    return 0;
  }
}
