package io.fitbitpipeline.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.report.ReportData;
import io.fitbitpipeline.core.report.RunReport;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What the report image runs, the weekly DAG's last task: the run report of one run (read from the
 * warehouse), written to the lake at reports/{run_id}/index.html. The last stdout line is one JSON
 * object, {"report": "s3://...", "run_id", "window", "bytes", "activities": {a: status}, ...},
 * which Airflow pushes to XCom. Exit codes as every step: 2 bad command line, 3 configuration or
 * infrastructure, 4 the warehouse records nothing of the run (nothing to report).
 */
public final class ReportApp {
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final ObjectStore store;
  private final ObjectMapper json = Manifests.objectMapper();

  /**
   * @param store the object store, or null to build one from the environment's S3 settings
   */
  public ReportApp(
      Map<String, String> env, PrintStream out, PrintStream err, Clock clock, ObjectStore store) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.store = store;
  }

  public static ReportApp fromSystem() {
    return new ReportApp(System.getenv(), System.out, System.err, Clock.systemUTC(), null);
  }

  public int run(ReportOptions options) {
    return new ExitCodes(err)
        .run(
            () -> {
              PipelineConfig config = PipelineConfig.fromEnvironment(env);
              config.requireWarehouse();
              RunId run = options.runId();
              ObjectStore lake =
                  store != null ? store : new S3ObjectStore(S3Clients.create(config));
              EventLog log = new EventLog(out, EventLog.formatFrom(env), clock, json);
              Pipeline pipeline =
                  new Pipeline(
                      config, lake, log, clock, Path.of(System.getProperty("java.io.tmpdir")));
              pipeline.migrate();
              RunReport report = RunReport.create(pipeline.warehouse(), run, null, clock.instant());
              ReportData data = report.data();
              if (options.hasWindow() && !options.window().equals(data.window())) {
                throw new IllegalArgumentException(
                    "run "
                        + run
                        + " processed "
                        + data.window()
                        + ", not the window given, "
                        + options.window());
              }
              LakeLayout layout = new LakeLayout(config.lakeBucket());
              String key = report.publish(lake, layout);
              String uri = layout.uri(key);
              int bytes = report.html().getBytes(StandardCharsets.UTF_8).length;
              log.info("report", null, run, "run report written to " + uri, Map.of("bytes", bytes));
              out.println(result(data, uri, bytes).toString());
            });
  }

  private ObjectNode result(ReportData data, String uri, int bytes) {
    ObjectNode result = json.createObjectNode();
    result.put("report", uri);
    result.put("run_id", data.run());
    result.put("window", data.window().toString());
    result.put("bytes", bytes);
    ObjectNode activities = result.putObject("activities");
    for (ReportData.ActivityRun a : data.activities()) {
      activities.put(a.activity(), a.status()); // "succeeded", or the step that did not
    }
    result.put("quarantined_files", data.quarantined().size());
    result.put("users_needing_attention", data.attention().size());
    return result;
  }
}
