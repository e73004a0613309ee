package io.fitbitpipeline.core.lakehouse.silver;

import java.util.Map;

/**
 * What one silver run did. Per source: records read from bronze, and how each was counted: used,
 * duplicate (repeats an earlier record) or rejected; records = used + duplicates + rejected.
 */
public record SilverResult(Map<String, SourceCounts> sources, double seconds) {
  /** One source's counts in one run. */
  public record SourceCounts(long records, long used, long duplicates, long rejected) {}
}
