package io.fitbitpipeline.core.format;

import io.fitbitpipeline.core.activity.Activity;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;

/** Everything a read leaves behind, as text: two readers agree when their outcomes are equal. */
final class DayOutcome {
  private DayOutcome() {}

  static String of(RawDayReader reader, InputStream in, Activity activity, LocalDate keyDate) {
    DayOfData day = new DayOfData();
    DayValidator.ValidDay valid;
    try {
      valid = reader.read(in, activity, keyDate, day);
    } catch (InvalidFileException e) {
      return "invalid: " + e.reason();
    } catch (IOException e) {
      return "failed: " + e.getClass().getSimpleName() + " " + e.getMessage();
    }
    StringBuilder out = new StringBuilder();
    out.append(valid).append('\n');
    out.append("read=").append(day.pointsRead()).append(" duplicates=").append(day.duplicates());
    out.append(" type=").append(day.datasetType()).append(" interval=");
    out.append(day.datasetInterval()).append(" intraday=").append(day.hasIntraday()).append('\n');
    for (int s = day.nextPoint(0); s >= 0; s = day.nextPoint(s + 1)) {
      out.append(s).append('=').append(Double.doubleToRawLongBits(day.value(s)));
      out.append('/').append(day.level(s)).append('/').append(day.mets(s)).append(' ');
    }
    out.append('\n').append(day.summaries()).append('\n').append(day.rejected());
    return out.toString();
  }

  /** The pipeline's reader, and the same reader with Jackson alone (no dataset fast path). */
  static RawDayReader[] readers() {
    return new RawDayReader[] {
      new RawDayReader(),
      new RawDayReader(
          new RawBody(InputLimits.DEFAULT),
          new FitbitDayParser(InputLimits.DEFAULT.jsonFactory(), false),
          new DayValidator())
    };
  }
}
