package io.fitbitpipeline.core.step;

/** A step cannot go on; the message says why in one line, the code becomes the exit code. */
public final class StepFailure extends RuntimeException {
  /** A promote validation check failed: nothing was changed. */
  public static final int CHECK_FAILED = 1;

  /** The warehouse or the object store failed, or an activity of a whole-window run did. */
  public static final int INFRASTRUCTURE = 3;

  /** A previous step's output is missing. */
  public static final int MISSING_INPUT = 4;

  private final int exitCode;

  public StepFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
