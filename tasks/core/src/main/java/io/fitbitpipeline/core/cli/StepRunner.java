package io.fitbitpipeline.core.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.PrintStream;

/**
 * Runs one step from its options and turns the outcome into an exit code Airflow can act on: 0
 * done, 1 a promote check failed, 2 bad command line, 3 configuration or infrastructure error, 4 a
 * previous step's output is missing. Failures print one line on stderr.
 */
public final class StepRunner {
  public static final int BAD_USAGE = ExitCodes.BAD_USAGE;
  public static final int INFRASTRUCTURE = ExitCodes.INFRASTRUCTURE;

  private final Pipeline pipeline;
  private final PrintStream out;
  private final PrintStream err;

  public StepRunner(Pipeline pipeline, PrintStream out, PrintStream err) {
    this.pipeline = pipeline;
    this.out = out;
    this.err = err;
  }

  public int run(StepName step, StepOptions options, boolean dryRun) {
    return new ExitCodes(err)
        .run(
            () -> {
              Window window = options.window();
              RunId run = options.runId();
              checkShardOptions(step, options);
              pipeline.migrate();
              switch (step) {
                case EXTRACT ->
                    pipeline
                        .extractor()
                        .run(options.activity(), window, run, options.shard(), dryRun);
                case TRANSFORM ->
                    pipeline.transformer().run(options.activity(), window, run, options.shard());
                case LOAD ->
                    pipeline.loader().run(options.activity(), window, run, options.shards());
                case PROMOTE -> {
                  ObjectNode report =
                      pipeline
                          .promoter()
                          .run(options.activitiesOrAll(), window, run, options.shards());
                  // The last stdout line: Airflow's DockerOperator pushes it to XCom.
                  out.println(report.toString());
                }
              }
            });
  }

  /**
   * Extract and transform work on a shard (--shard i/n); load and promote take the whole run at
   * once and must know how many shards it had (--shards N). The other flag is a mistake, said so.
   */
  private static void checkShardOptions(StepName step, StepOptions options) {
    boolean perShard = step == StepName.EXTRACT || step == StepName.TRANSFORM;
    if (perShard && options.shardsGiven()) {
      throw new IllegalArgumentException(
          step.id() + " works on one shard: give --shard i/n, not --shards");
    }
    if (!perShard && options.shardGiven()) {
      throw new IllegalArgumentException(
          step.id()
              + " takes every shard of the run at once: give --shards N (the shard count),"
              + " not --shard");
    }
    // Parse now, so a bad value is a usage error before anything is touched.
    options.shard();
    options.shards();
  }
}
