package io.fitbitpipeline.core.cli;

import picocli.CommandLine.Option;

/**
 * The hidden option every step command mixes in: {@code --train-class-archive} runs {@link
 * ClassArchiveTraining} instead of the step. Only the image builds use it (images/Dockerfile.jvm*).
 */
public final class TrainingOption {
  @Option(
      names = "--train-class-archive",
      hidden = true,
      description =
          "load the classes a step's work needs, without servers, and exit (image builds)")
  boolean requested;

  public boolean requested() {
    return requested;
  }
}
