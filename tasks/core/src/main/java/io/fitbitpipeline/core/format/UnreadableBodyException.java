package io.fitbitpipeline.core.format;

import java.io.IOException;

/**
 * The raw file's bytes cannot be read as a Fitbit response: too big, or a corrupt gzip body. An
 * IOException because it surfaces inside the JSON parser's reads; {@link RawDayReader} turns it
 * into the file's quarantine reason, never into a failed step.
 */
public final class UnreadableBodyException extends IOException {
  public UnreadableBodyException(String reason) {
    super(reason);
  }
}
