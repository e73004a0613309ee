package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.ExitCodes;
import io.fitbitpipeline.core.lakehouse.Lakehouse;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.run.RunId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads --landing DIR's registrations/*.csv and gym_logins/*.csv, drains every topic up to",
      "its current end into bronze, refreshes silver and gold, and prints a summary. With --once",
      "it then exits; without, it refreshes every --interval until Ctrl-C, which stops it",
      "between refreshes."
    })
final class StreamRunCommand implements Callable<Integer> {
  @Option(names = "--once", description = "one refresh, then exit")
  boolean once;

  @Option(
      names = "--landing",
      paramLabel = "DIR",
      description = "a folder with registrations/*.csv and gym_logins/*.csv to upload first")
  Path landing;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      description = "seconds between refreshes in continuous mode (default: ${DEFAULT-VALUE})")
  int interval = 10;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    if (!once) {
      // Ctrl-C: let the refresh under way finish (it is one transaction per stage anyway).
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.set(true);
                    try {
                      finished.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out, true)) {
      Lakehouse lakehouse = context.lakehouse(environment);
      return new ExitCodes(System.err)
          .run(
              () -> {
                lakehouse.migrate();
                if (landing != null) {
                  upload(environment, lakehouse);
                }
                LakehouseCycle cycle = new LakehouseCycle(lakehouse, System.out);
                int refreshes = 0;
                do {
                  RunId run =
                      new RunId(
                          "stream-" + context.clock().instant().truncatedTo(ChronoUnit.MILLIS));
                  cycle.print(cycle.run(run));
                  refreshes++;
                  if (!once) {
                    sleep(stop, Duration.ofSeconds(interval));
                  }
                } while (!once && !stop.get());
                if (!once) {
                  System.out.println("stopped cleanly after " + refreshes + " refreshes");
                }
              });
    } finally {
      finished.countDown();
    }
  }

  private void upload(LocalEnvironment environment, Lakehouse lakehouse) throws IOException {
    if (!Files.isDirectory(landing)) {
      throw new IllegalArgumentException("--landing " + landing + " is not a folder");
    }
    int files = 0;
    for (LakehouseSource source : LakehouseSource.landing()) {
      Path folder = landing.resolve(source.id());
      if (!Files.isDirectory(folder)) {
        continue;
      }
      List<Path> csvs;
      try (Stream<Path> list = Files.list(folder)) {
        csvs = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
      }
      for (Path csv : csvs) {
        environment
            .store()
            .put(
                environment.config().rawBucket(),
                lakehouse.config().landingPrefix() + "/" + source.id() + "/" + csv.getFileName(),
                Files.readAllBytes(csv));
        files++;
      }
    }
    System.out.printf(
        "uploaded %d landing files from %s to s3://%s/%s/%n",
        files, landing, environment.config().rawBucket(), lakehouse.config().landingPrefix());
  }

  private static void sleep(AtomicBoolean stop, Duration pause) throws InterruptedException {
    long until = System.nanoTime() + pause.toNanos();
    while (!stop.get() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
  }
}
