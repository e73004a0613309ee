package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link DayOfData} against a sorted map of second to point, through both of its forms (dense while
 * the points come in time order, slots after the first point out of order, repeated time or
 * removal) and the switch between them in the middle of a visit, as the range check does it.
 */
class DayOfDataTest {
  /** A point as the model keeps it: value, level, mets. */
  private record Point(double value, int level, int mets) {}

  @Test
  void pointsComeOutSortedWithTheLastOfARepeatedTimeWhateverTheOrderTheyCameIn() {
    Random random = new Random(20261201);
    DayOfData day = new DayOfData();
    for (int round = 0; round < 400; round++) {
      day.reset();
      TreeMap<Integer, Point> model = new TreeMap<>();
      int duplicates = 0;
      int second = random.nextInt(100);
      int count = random.nextInt(60);
      // Mostly increasing times, with now and then a step back or a repeat, or none at all.
      int disorder = round % 3 == 0 ? 0 : 1 + random.nextInt(20);
      for (int i = 0; i < count; i++) {
        second =
            random.nextInt(25) < disorder
                ? Math.max(0, second - random.nextInt(5))
                : Math.min(DayOfData.SECONDS_PER_DAY - 1, second + 1 + random.nextInt(90));
        Point point = new Point(random.nextInt(200) / 4.0, random.nextInt(5) - 1, i);
        day.put(second, point.value(), point.level(), point.mets());
        if (model.put(second, point) != null) {
          duplicates++;
        }
      }
      assertSame(model, day, "round " + round);
      assertEquals(duplicates, day.duplicates(), "round " + round);

      // The range check's visit: remove some points while walking forward.
      List<Integer> removed = new ArrayList<>();
      for (int s = day.nextPoint(0); s >= 0; s = day.nextPoint(s + 1)) {
        assertEquals(model.get(s).value(), day.value(s), "round " + round + " second " + s);
        if (random.nextInt(4) == 0) {
          day.remove(s);
          removed.add(s);
        }
      }
      removed.forEach(model::remove);
      assertSame(model, day, "round " + round + " after removals");
    }
  }

  private static void assertSame(TreeMap<Integer, Point> model, DayOfData day, String where) {
    assertEquals(model.size(), day.pointCount(), where);
    List<Integer> seconds = new ArrayList<>();
    double sum = 0;
    for (int s = day.nextPoint(0); s >= 0; s = day.nextPoint(s + 1)) {
      seconds.add(s);
      Point want = model.get(s);
      assertEquals(want, new Point(day.value(s), day.level(s), day.mets(s)), where + " " + s);
      sum += day.value(s);
    }
    assertEquals(new ArrayList<>(model.keySet()), seconds, where);
    assertEquals(sum, day.intradaySum(), where);
    // From any second, including ones between points, before the first and after the last.
    for (int from = 0; from <= (model.isEmpty() ? 3 : model.lastKey() + 2); from++) {
      Map.Entry<Integer, Point> next = model.ceilingEntry(from);
      assertEquals(next == null ? -1 : next.getKey(), day.nextPoint(from), where + " from " + from);
    }
    for (int from = model.isEmpty() ? 3 : model.lastKey() + 2; from >= 0; from -= 7) {
      Map.Entry<Integer, Point> next = model.ceilingEntry(from);
      assertEquals(next == null ? -1 : next.getKey(), day.nextPoint(from), where + " back " + from);
    }
  }
}
