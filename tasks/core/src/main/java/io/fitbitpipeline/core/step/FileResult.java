package io.fitbitpipeline.core.step;

import java.time.LocalDate;

/** What happened to one raw object: becomes its file_ledger row. */
public record FileResult(
    String key,
    String etag,
    String userId,
    LocalDate date,
    String status,
    String reason,
    long rowsWritten,
    long pointsRead,
    long pointsRejected,
    long duplicates,
    String flags) {
  public static final String LOADED = "loaded";
  public static final String QUARANTINED = "quarantined";

  public static FileResult quarantined(
      String key, String etag, String userId, LocalDate date, String reason) {
    return new FileResult(key, etag, userId, date, QUARANTINED, reason, 0, 0, 0, 0, null);
  }
}
