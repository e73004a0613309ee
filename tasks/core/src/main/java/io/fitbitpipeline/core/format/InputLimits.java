package io.fitbitpipeline.core.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * How big and how deep a raw Fitbit file may be (docs/hostile-input.md). The largest real file, a
 * day of 1-second heart data, is about 4 MB, 6 levels deep, with numbers of a few digits and
 * strings of a few dozen characters; the limits leave wide room above that and stop hostile files
 * (a 1 GB line, 10,000 nested arrays, a 100,000-digit number, a gzip bomb) before they cost memory
 * or time.
 *
 * @param maxFileBytes a raw file's size as stored, and again after gzip decompression
 * @param maxNestingDepth arrays and objects inside one another
 * @param maxStringLength characters of one JSON string
 * @param maxNameLength characters of one field name
 * @param maxNumberLength characters of one JSON number
 */
public record InputLimits(
    long maxFileBytes,
    int maxNestingDepth,
    int maxStringLength,
    int maxNameLength,
    int maxNumberLength) {

  /** The pipeline's limits. */
  public static final InputLimits DEFAULT = new InputLimits(64L << 20, 32, 100_000, 1_000, 100);

  /**
   * A factory whose parsers enforce the limits while they read: Jackson stops at the first token
   * past a limit, so a hostile file costs no more memory than the limit allows.
   */
  public JsonFactory jsonFactory() {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxDocumentLength(maxFileBytes)
                .maxNestingDepth(maxNestingDepth)
                .maxStringLength(maxStringLength)
                .maxNameLength(maxNameLength)
                .maxNumberLength(maxNumberLength)
                .build())
        // Same doubles (both parsers round correctly), without the JDK's BigInteger slow path
        // that decimals such as calories' 15-digit values took.
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .build();
  }

  /** The limit as people write it: 64 MiB, 100 KiB, 512 bytes. */
  public static String bytes(long n) {
    if (n >= (1L << 20) && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1024 && n % 1024 == 0) {
      return (n >> 10) + " KiB";
    }
    return n + " bytes";
  }
}
