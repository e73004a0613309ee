package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fitbitpipeline.core.lake.StagedFile;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader's merge groups: date order, and bounded in files and in estimated memory. */
class MergeGroupsTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-11-16");
  private static final long MIB = 1L << 20;

  private static StagedFile file(int day, long bytes) {
    return new StagedFile("t", FIRST.plusDays(day), "k" + day, 1, bytes);
  }

  private static List<List<Integer>> days(List<List<StagedFile>> groups) {
    return groups.stream()
        .map(g -> g.stream().map(f -> (int) (f.date().toEpochDay() - FIRST.toEpochDay())).toList())
        .toList();
  }

  @Test
  void ordersByDateAndCutsAtTheFileLimit() {
    List<StagedFile> files = new ArrayList<>();
    for (int day : new int[] {4, 1, 6, 0, 3, 5, 2}) {
      files.add(file(day, 1000));
    }
    assertEquals(
        List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)),
        days(new MergeGroups(3, 1 << 30).of(files, 3)));
    assertEquals(
        List.of(List.of(0, 1, 2, 3, 4, 5, 6)), days(new MergeGroups(32, 64 * MIB).of(files, 3)));
  }

  @Test
  void cutsAtTheMemoryEstimateAndKeepsAnOversizedFileAlone() {
    // Estimate per file: its bytes plus a 1 MiB page per column (2 columns here).
    List<StagedFile> files =
        List.of(file(0, 3 * MIB), file(1, 3 * MIB), file(2, 40 * MIB), file(3, 1), file(4, 1));
    assertEquals(
        List.of(List.of(0, 1), List.of(2), List.of(3, 4)),
        days(new MergeGroups(32, 10 * MIB).of(files, 2)));
    assertThrows(IllegalArgumentException.class, () -> new MergeGroups(0, MIB));
  }
}
