package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.lakehouse.sim.SimulationPublisher;
import io.fitbitpipeline.core.lakehouse.sim.StreamSimulator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Produces a realistic stream into the topics (profiles with updates and deletes, workouts,",
      "heart-rate readings during and outside workouts, duplicates, late and invalid records) and",
      "writes the matching CSV landing files to the raw bucket. Without --follow the span ends now",
      "and everything is sent at once; with --follow it starts now and each record is sent at its",
      "time."
    })
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--users", description = "users (default: ${DEFAULT-VALUE})")
  int users = 20;

  @Option(names = "--days", description = "days simulated (default: ${DEFAULT-VALUE})")
  double days = 1;

  @Option(
      names = "--rate",
      description = "heart-rate readings per device per minute (default: ${DEFAULT-VALUE})")
  double rate = 12;

  @Option(
      names = "--seed",
      description = "the same seed gives the same data (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--partitions",
      description = "partitions of topics it creates (default: ${DEFAULT-VALUE})")
  int partitions = 3;

  @Option(names = "--follow", description = "send each record at its event time, from now on")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    if (users < 1 || days <= 0 || rate <= 0) {
      System.err.println("ERROR: --users, --days and --rate must be positive");
      return 2;
    }
    Duration span = Duration.ofSeconds(Math.round(days * 86_400));
    Instant now = context.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Instant start = follow ? now : now.minus(span);
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out, true)) {
      publish(
          environment,
          context,
          new StreamSimulator(seed, users, start, span, rate),
          follow,
          partitions,
          "simulated-" + seed + "-" + start.getEpochSecond());
      return 0;
    }
  }

  static void publish(
      LocalEnvironment environment,
      LauncherContext context,
      StreamSimulator simulation,
      boolean realTime,
      int partitions,
      String name)
      throws InterruptedException {
    SimulationPublisher publisher =
        new SimulationPublisher(
            environment.lakehouse(),
            environment.store(),
            environment.config().rawBucket(),
            context.clock());
    publisher.ensureTopics(partitions);
    for (String key : publisher.writeLanding(simulation, name)) {
      System.out.println("wrote s3://" + environment.config().rawBucket() + "/" + key);
    }
    Map<String, Long> sent = publisher.produce(simulation, realTime);
    System.out.println("produced " + sent + " to " + environment.lakehouse().bootstrapServers());
    System.out.println(simulation.plan().describe());
  }
}
