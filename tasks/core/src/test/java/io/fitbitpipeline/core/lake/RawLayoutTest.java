package io.fitbitpipeline.core.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RawLayoutTest {
  private final RawLayout layout = new RawLayout("/raw/");

  private RawLayout.Parsed parse(String key) {
    return layout.parse(new StoredObject(key, "etag", 10));
  }

  @Test
  void aKeyThatFitsTheLayout() {
    RawFile file =
        assertInstanceOf(RawLayout.Fits.class, parse("raw/user_1-A/2026-11-16/heart_rate.json"))
            .file();
    assertEquals("user_1-A", file.userId());
    assertEquals(LocalDate.of(2026, 11, 16), file.date());
    assertEquals(Activity.HEART_RATE, file.activity());
    assertEquals(
        "raw/user_1-A/2026-11-16/heart_rate.json",
        layout.keyOf("user_1-A", file.date(), Activity.HEART_RATE));
  }

  @Test
  void heartRateFilesMayBeNamedAfterTheFitbitResource() {
    RawFile file =
        assertInstanceOf(RawLayout.Fits.class, parse("raw/u1/2026-11-16/heart.json")).file();
    assertEquals(Activity.HEART_RATE, file.activity());
    assertEquals(false, RawLayout.namedById(file));
    assertEquals(
        true,
        RawLayout.namedById(
            assertInstanceOf(RawLayout.Fits.class, parse("raw/u1/2026-11-16/heart_rate.json"))
                .file()));
    RawLayout.NotOurs sleep =
        assertInstanceOf(RawLayout.NotOurs.class, parse("raw/u1/2026-11-16/sleep.json"));
    assertEquals(LocalDate.of(2026, 11, 16), sleep.date());
    assertEquals("u1", sleep.userId());
    assertNull(assertInstanceOf(RawLayout.NotOurs.class, parse("raw/README.txt")).date());
  }

  @Test
  void keysThatBreakTheLayoutSayWhy() {
    RawLayout.Misfit badUser =
        assertInstanceOf(RawLayout.Misfit.class, parse("raw/bad user!/2026-11-16/steps.json"));
    assertEquals("user_id 'bad user!' is not 1-64 characters of [A-Za-z0-9_-]", badUser.reason());
    assertEquals(LocalDate.of(2026, 11, 16), badUser.date());
    RawLayout.Misfit badDate =
        assertInstanceOf(RawLayout.Misfit.class, parse("raw/u1/20261116/steps.json"));
    assertEquals("date folder '20261116' is not yyyy-MM-dd", badDate.reason());
    assertNull(badDate.date());
    RawLayout.Misfit depth = assertInstanceOf(RawLayout.Misfit.class, parse("raw/u1/steps.json"));
    assertEquals(Activity.STEPS, depth.activity());
    assertInstanceOf(
        RawLayout.Misfit.class, parse("raw/" + "u".repeat(65) + "/2026-11-16/steps.json"));
  }

  /** Traversal, absolute-looking and control-character keys never fit (HostileKeysTest). */
  @Test
  void hostileKeysNeverFit() {
    for (String key :
        new String[] {
          "raw//etc/2026-11-16/steps.json",
          "raw/../../etc/2026-11-16/steps.json",
          "raw/u/../x/2026-11-16/steps.json",
          "raw/%2e%2e/2026-11-16/steps.json",
          "raw/..%2f..%2fetc/2026-11-16/steps.json",
          "raw/u\u0000/2026-11-16/steps.json",
          "raw/u\nforged log line/2026-11-16/steps.json",
          "raw/x'; DROP TABLE fitbit.steps_daily; --/2026-11-16/steps.json",
          "raw/" + "u".repeat(2000) + "/2026-11-16/steps.json"
        }) {
      RawLayout.Misfit misfit = assertInstanceOf(RawLayout.Misfit.class, parse(key), key);
      assertTrue(misfit.reason().length() < 400, misfit.reason());
      assertTrue(misfit.reason().chars().noneMatch(Character::isISOControl), misfit.reason());
    }
  }

  @Test
  void quarantineKeysNeverClimbOutOfQuarantine() {
    LakeLayout lake = new LakeLayout("lake");
    assertEquals(
        "quarantine/steps/raw/u1/2026-11-16/steps.json",
        lake.quarantined(Activity.STEPS, "raw/u1/2026-11-16/steps.json"));
    for (String key :
        new String[] {
          "raw/../../etc/passwd",
          "raw//x",
          "raw/./x",
          "raw/%2e%2e/x",
          "raw/a\\b",
          "raw/a\u0001b",
          "raw/" + "d".repeat(1000),
          "raw/" + "f".repeat(250)
        }) {
      String q = lake.quarantined(Activity.STEPS, key);
      assertTrue(q.matches("quarantine/steps/unsafe-keys/[0-9a-f]{64}"), q);
    }
  }

  @Test
  void objectsOfNoActivityAreNotOurs() {
    assertInstanceOf(RawLayout.NotOurs.class, parse("raw/u1/2026-11-16/sleep.json"));
    assertInstanceOf(RawLayout.NotOurs.class, parse("raw/README.txt"));
    assertInstanceOf(RawLayout.NotOurs.class, parse("other/u1/2026-11-16/steps.json"));
  }
}
