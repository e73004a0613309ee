package io.fitbitpipeline.core.format;

import io.fitbitpipeline.core.activity.Activity;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;

/**
 * Reads one raw file into a validated day: its body ({@link RawBody}: gzip, the size limit), the
 * streaming parser, the file-level rules. Everything wrong with the file's content ends as an
 * {@link InvalidFileException} with the reason for quarantine; only a failing transfer is an
 * IOException.
 */
public final class RawDayReader {
  private final RawBody body;
  private final FitbitDayParser parser;
  private final DayValidator validator;

  public RawDayReader(RawBody body, FitbitDayParser parser, DayValidator validator) {
    this.body = body;
    this.parser = parser;
    this.validator = validator;
  }

  /** With the pipeline's {@link InputLimits#DEFAULT}. */
  public RawDayReader() {
    this(
        new RawBody(InputLimits.DEFAULT),
        new FitbitDayParser(InputLimits.DEFAULT.jsonFactory()),
        new DayValidator());
  }

  /** Parses {@code in} (not closed) into {@code day}, which is reset first, and validates it. */
  public DayValidator.ValidDay read(
      InputStream in, Activity activity, LocalDate keyDate, DayOfData day)
      throws InvalidFileException, IOException {
    try {
      parser.parse(body.open(in), activity, day);
    } catch (UnreadableBodyException e) {
      throw new InvalidFileException(e.getMessage());
    }
    return validator.validate(activity, keyDate, day);
  }
}
