package io.fitbitpipeline.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {
  @Test
  void parsesIndexAndCount() {
    assertEquals(new Shard(2, 3), Shard.parse("2/3"));
    assertEquals(new Shard(1, 1), Shard.parse(" 1 / 1 "));
    assertEquals("2/3", Shard.parse("2/3").toString());
    assertEquals("shard-2-of-3", Shard.parse("2/3").pathSegment());
    assertTrue(Shard.parse("1/1").isWhole());
  }

  @Test
  void badShardsAreRefusedWithTheReason() {
    for (String bad : List.of("", "3", "a/b", "1/", "/3", "-1/3", "1/2/3", "1.5/3")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad));
      assertTrue(e.getMessage().contains("i/n"), e.getMessage());
    }
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/3"))
            .getMessage()
            .contains("shard index must be between 1 and 3, got 0"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/3"))
            .getMessage()
            .contains("got 4"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("1/0"))
            .getMessage()
            .contains("shard count must be between 1 and 1024, got 0"));
    assertThrows(IllegalArgumentException.class, () -> Shard.parse("1/1025"));
    assertThrows(IllegalArgumentException.class, () -> Shard.parse(null));
  }

  @Test
  void everyUserIsInExactlyOneShard() {
    for (int count : new int[] {1, 2, 3, 7, 64}) {
      List<Shard> shards = Shard.all(count);
      assertEquals(count, shards.size());
      int[] sizes = new int[count];
      for (int u = 0; u < 10_000; u++) {
        String user = "user-" + u;
        List<Shard> holding = shards.stream().filter(s -> s.contains(user)).toList();
        assertEquals(1, holding.size(), user + " in " + holding);
        sizes[holding.get(0).index() - 1]++;
      }
      // A hash that spreads: no shard is more than 20 % off the mean for 10,000 users.
      double mean = 10_000.0 / count;
      for (int size : sizes) {
        assertTrue(Math.abs(size - mean) < 0.2 * mean + 1, count + " shards: sizes " + sizes);
      }
    }
  }

  @Test
  void aUserAlwaysLandsInTheSameShard() {
    // Expected values computed apart, with Python's zlib: zlib.crc32(uid.encode()) % n + 1
    // (user-0001: CRC-32 0x820f0b82; 2BQ9XK: 0x1124f5b0; u0: 0x3548afe0; u2: 0xdb46cecc).
    assertEquals(2, Shard.of("user-0001", 3));
    assertEquals(1, Shard.of("2BQ9XK", 3));
    assertEquals(3, Shard.of("u0", 3));
    assertEquals(1, Shard.of("u2", 3));
    assertEquals((int) (0x820f0b82L % 64) + 1, Shard.of("user-0001", 64));
    assertEquals(1, Shard.of("anyone", 1));
    assertTrue(new Shard(2, 3).contains("user-0001"));
    assertFalse(new Shard(1, 3).contains("user-0001"));
  }
}
