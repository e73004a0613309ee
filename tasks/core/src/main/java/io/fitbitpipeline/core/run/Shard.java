package io.fitbitpipeline.core.run;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * One part of a run's users, written "i/n" (1-based: "2/3" is the second of three). A user belongs
 * to shard {@code CRC32(UTF-8 bytes of user_id) mod n + 1}: CRC-32 (ISO-HDLC, the zlib one) is
 * fixed by its standard, so the same user lands in the same shard on every JVM, release and
 * machine, and other tools can compute it too (Python: {@code zlib.crc32(uid.encode()) % n + 1}).
 * Never {@code String.hashCode}: its value is not promised across releases.
 */
public record Shard(int index, int count) {
  /** The most shards a run may have: far beyond any study, small enough to catch typos. */
  public static final int MAX_COUNT = 1024;

  /** The whole run, unsharded: every user; paths and step names are today's. */
  public static final Shard WHOLE = new Shard(1, 1);

  public Shard {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "shard count must be between 1 and " + MAX_COUNT + ", got " + count);
    }
    if (index < 1 || index > count) {
      throw new IllegalArgumentException(
          "shard index must be between 1 and " + count + ", got " + index);
    }
  }

  /** Parses "i/n", e.g. "2/3"; the error says what is wrong and what is expected. */
  public static Shard parse(String text) {
    if (text == null || !text.matches("\\s*\\d{1,9}\\s*/\\s*\\d{1,9}\\s*")) {
      throw new IllegalArgumentException(
          "--shard must be i/n with 1 <= i <= n, e.g. 2/3; got '" + text + "'");
    }
    String[] parts = text.split("/");
    int index = Integer.parseInt(parts[0].trim());
    int count = Integer.parseInt(parts[1].trim());
    try {
      return new Shard(index, count);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--shard " + text.trim() + ": " + e.getMessage(), e);
    }
  }

  /** Every shard of a run of {@code count} shards, in order. */
  public static List<Shard> all(int count) {
    new Shard(1, count); // validates the count
    return IntStream.rangeClosed(1, count).mapToObj(i -> new Shard(i, count)).toList();
  }

  /** The 1-based shard of {@code key} (a user id) among {@code count} shards. */
  public static int of(String key, int count) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % count) + 1;
  }

  public boolean contains(String userId) {
    return count == 1 || of(userId, count) == index;
  }

  public boolean isWhole() {
    return count == 1;
  }

  /** The lake path segment of this shard's manifests, e.g. "shard-2-of-3". */
  public String pathSegment() {
    return "shard-" + index + "-of-" + count;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
