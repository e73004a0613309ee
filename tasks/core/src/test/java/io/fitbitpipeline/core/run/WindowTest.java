package io.fitbitpipeline.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class WindowTest {
  @Test
  void isoWeeksRunMondayToSunday() {
    assertEquals(
        new Window(LocalDate.of(2026, 11, 16), LocalDate.of(2026, 11, 22)),
        Window.isoWeek("2026-W47"));
    // ISO week 1 of 2026 starts in 2025; week 53 exists in 2026.
    assertEquals(LocalDate.of(2025, 12, 29), Window.isoWeek("2026-W01").from());
    assertEquals(LocalDate.of(2026, 12, 28), Window.isoWeek("2026-W53").from());
    assertThrows(IllegalArgumentException.class, () -> Window.isoWeek("2025-W53"));
    assertThrows(IllegalArgumentException.class, () -> Window.isoWeek("2026-47"));
  }

  @Test
  void explicitDatesIncludeBothEnds() {
    Window w = Window.dates("2026-11-20", "2026-11-21");
    assertEquals(2, w.days());
    assertThrows(IllegalArgumentException.class, () -> Window.dates("2026-11-21", "2026-11-20"));
  }

  @Test
  void runIdsAreKeySafe() {
    assertEquals(
        "scheduled__2026-11-23T03_00_00_00_00",
        new RunId("scheduled__2026-11-23T03:00:00+00:00").keySafe());
    assertThrows(IllegalArgumentException.class, () -> new RunId("a/b"));
  }
}
