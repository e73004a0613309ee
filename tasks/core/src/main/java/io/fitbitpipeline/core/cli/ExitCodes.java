package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.config.ConfigurationException;
import io.fitbitpipeline.core.step.StepFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import org.apache.kafka.common.KafkaException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The exit codes every step shares, batch and lakehouse alike: 0 done, 1 a promote check failed, 2
 * bad command line, 3 configuration or infrastructure error, 4 a previous step's output is missing.
 * A failure prints one line "ERROR: reason" on stderr.
 */
public final class ExitCodes {
  public static final int BAD_USAGE = 2;
  public static final int INFRASTRUCTURE = StepFailure.INFRASTRUCTURE;

  /** Work that may fail in the ways the exit codes name. */
  public interface Work {
    void run() throws Exception;
  }

  private final PrintStream err;

  public ExitCodes(PrintStream err) {
    this.err = err;
  }

  public int run(Work work) {
    try {
      work.run();
      return 0;
    } catch (StepFailure e) {
      return fail(e.getMessage(), e.exitCode());
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage(), BAD_USAGE);
    } catch (ConfigurationException e) {
      return fail(e.getMessage(), INFRASTRUCTURE);
    } catch (SQLException e) {
      return fail("warehouse: " + e.getMessage(), INFRASTRUCTURE);
    } catch (IOException | SdkException e) {
      return fail("storage: " + e.getMessage(), INFRASTRUCTURE);
    } catch (KafkaException e) {
      return fail("kafka: " + e.getMessage(), INFRASTRUCTURE);
    } catch (RuntimeException e) {
      return fail(e.getClass().getSimpleName() + ": " + e.getMessage(), INFRASTRUCTURE);
    } catch (Exception e) {
      return fail(e.getMessage(), INFRASTRUCTURE);
    }
  }

  private int fail(String message, int code) {
    err.println("ERROR: " + oneLine(message));
    return code;
  }

  static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " | ");
  }
}
