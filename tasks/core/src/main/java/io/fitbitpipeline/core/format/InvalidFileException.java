package io.fitbitpipeline.core.format;

/** The whole file is not valid for its activity: it goes to quarantine with this reason. */
public final class InvalidFileException extends Exception {
  public InvalidFileException(String reason) {
    super(reason);
  }

  public String reason() {
    return getMessage();
  }
}
