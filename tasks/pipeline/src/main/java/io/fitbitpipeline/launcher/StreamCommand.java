package io.fitbitpipeline.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** ./pipeline stream: the workout lakehouse on embedded servers unless configured otherwise. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = {
      "The workout lakehouse: Kafka topics (user_info, workout, bpm) and CSV landing files ->",
      "bronze -> silver -> gold. Embedded Kafka, S3 and PostgreSQL unless KAFKA_BOOTSTRAP_SERVERS,",
      "AWS_ENDPOINT_URL_S3 and WAREHOUSE_JDBC_URL name servers."
    },
    subcommands = {
      StreamRunCommand.class,
      SimulateCommand.class,
      DemoCommand.class,
      StreamBenchCommand.class,
      StreamStageCommand.Ingest.class,
      StreamStageCommand.Silver.class,
      StreamStageCommand.Gold.class
    })
final class StreamCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
