package io.fitbitpipeline.core.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  @Test
  void objectsOfNoActivityAreNotOurs() {
    assertInstanceOf(RawLayout.NotOurs.class, parse("raw/u1/2026-11-16/sleep.json"));
    assertInstanceOf(RawLayout.NotOurs.class, parse("raw/README.txt"));
    assertInstanceOf(RawLayout.NotOurs.class, parse("other/u1/2026-11-16/steps.json"));
  }
}
