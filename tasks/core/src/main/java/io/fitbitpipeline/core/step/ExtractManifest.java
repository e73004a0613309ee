package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.lake.RawFile;
import java.time.LocalDate;
import java.util.List;

/**
 * What extract found for one activity and window: the files to transform (new or changed), the keys
 * it quarantined for breaking the layout, and its counts.
 */
public record ExtractManifest(
    String runId,
    String activity,
    LocalDate from,
    LocalDate to,
    List<RawFile> files,
    List<QuarantinedKey> quarantined,
    long filesSeen,
    long filesSkipped) {

  /** A key that breaks the layout; user and date are null where the key has none readable. */
  public record QuarantinedKey(
      String key, String etag, String userId, LocalDate date, String reason) {

    /** A file whose key we read, refused for {@code reason} before its content is parsed. */
    static QuarantinedKey of(RawFile file, String reason) {
      return new QuarantinedKey(file.key(), file.etag(), file.userId(), file.date(), reason);
    }
  }
}
