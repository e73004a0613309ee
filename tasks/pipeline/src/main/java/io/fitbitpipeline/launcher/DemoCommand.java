package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.ExitCodes;
import io.fitbitpipeline.core.lakehouse.Lakehouse;
import io.fitbitpipeline.core.lakehouse.sim.StreamSimulator;
import io.fitbitpipeline.core.run.RunId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Simulates the last hour of 30 users, runs the lakehouse once and prints gold rows.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    Instant now = context.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Duration hour = Duration.ofHours(1);
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out, true)) {
      Lakehouse lakehouse = context.lakehouse(environment);
      return new ExitCodes(System.err)
          .run(
              () -> {
                lakehouse.migrate();
                SimulateCommand.publish(
                    environment,
                    context,
                    new StreamSimulator(7, 30, now.minus(hour), hour, 12),
                    false,
                    3,
                    "demo-" + now.getEpochSecond());
                LakehouseCycle cycle = new LakehouseCycle(lakehouse, System.out);
                cycle.print(cycle.run(new RunId("demo-" + now.getEpochSecond())));
                try (Connection c = lakehouse.warehouse().connect();
                    Statement s = c.createStatement()) {
                  show(
                      s,
                      "SELECT user_id, workout_id, session_id, age, gender, city, state,"
                          + " min_bpm, ROUND(CAST(avg_bpm AS NUMERIC), 1) AS avg_bpm, max_bpm,"
                          + " num_recordings FROM gold.workout_bpm_summary"
                          + " ORDER BY user_id, workout_id, session_id LIMIT 8");
                  show(
                      s,
                      "SELECT date, gym, mac_address, workout_id, session_id, minutes_in_gym,"
                          + " minutes_exercising FROM gold.gym_summary"
                          + " ORDER BY date, gym, mac_address LIMIT 8");
                }
              });
    }
  }

  private static void show(Statement s, String sql) throws java.sql.SQLException {
    System.out.println();
    System.out.println(sql.substring(sql.indexOf("FROM ") + 5, sql.indexOf(" ORDER")) + ":");
    try (ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      StringBuilder header = new StringBuilder();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.append(i > 1 ? " | " : "").append(meta.getColumnLabel(i));
      }
      System.out.println(header);
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.append(i > 1 ? " | " : "").append(rs.getString(i));
        }
        System.out.println(row);
      }
    }
  }
}
