package io.fitbitpipeline.core.format;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one raw file says about one user-day: the summaries and the intraday points.
 *
 * <p>Points go into one slot per second of the day, so memory stays constant whatever the file size
 * (a full day of 1-second heart data included), a repeated time simply overwrites its slot (the
 * last one wins, as the contract asks), and points come out sorted. One instance is reused for
 * every file of a run.
 */
public final class DayOfData {
  public static final int SECONDS_PER_DAY = 86_400;

  /** Beyond this many rejected points a file is not intraday data at all. */
  static final int MAX_REJECTED = 100_000;

  private static final int WORDS = (SECONDS_PER_DAY + 63) / 64;

  /*
   * While the points arrive in increasing time order, as the Web API writes them, they are kept
   * densely in arrival order: visiting them (three times per file: range checks, rows, sums) is a
   * walk along short arrays instead of a bit scan and lookups across 86,400 slots, which the
   * transform's profile showed. The first point out of order, a repeated time or a removal moves
   * them into the slots, where a later point overwrites an earlier one.
   */
  private final int[] denseSeconds = new int[SECONDS_PER_DAY];
  private final double[] denseValues = new double[SECONDS_PER_DAY];
  private final int[] denseLevels = new int[SECONDS_PER_DAY];
  private final int[] denseMets = new int[SECONDS_PER_DAY];
  private boolean dense = true;
  private int denseCount;

  /** The index of the dense point last found: visits go forward one point at a time. */
  private int cursor;

  // The slots: one per second of the day, and which of them hold a point, one bit each.
  private final double[] values = new double[SECONDS_PER_DAY];
  private final int[] levels = new int[SECONDS_PER_DAY];
  private final int[] mets = new int[SECONDS_PER_DAY];
  private final long[] present = new long[WORDS];

  private int points;
  private final List<DailySummary> summaries = new ArrayList<>();
  private final List<RejectedPoint> rejected = new ArrayList<>();
  private int pointsRead;
  private int duplicates;
  private boolean hasIntraday;
  private String datasetType;
  private int datasetInterval;

  public void reset() {
    if (!dense) {
      Arrays.fill(present, 0L);
    }
    dense = true;
    denseCount = 0;
    cursor = 0;
    points = 0;
    summaries.clear();
    rejected.clear();
    pointsRead = 0;
    duplicates = 0;
    hasIntraday = false;
    datasetType = null;
    datasetInterval = 0;
  }

  void markIntraday() {
    hasIntraday = true;
  }

  void setDataset(String type, int interval) {
    if (type != null) {
      datasetType = type;
    }
    if (interval > 0) {
      datasetInterval = interval;
    }
  }

  void countRead() {
    pointsRead++;
  }

  void put(int second, double value, int level, int met) {
    if (dense) {
      if (denseCount == 0 || second > denseSeconds[denseCount - 1]) {
        denseSeconds[denseCount] = second;
        denseValues[denseCount] = value;
        denseLevels[denseCount] = level;
        denseMets[denseCount] = met;
        denseCount++;
        points++;
        return;
      }
      toSlots();
    }
    long bit = 1L << second;
    int word = second >>> 6;
    if ((present[word] & bit) != 0) {
      duplicates++;
    } else {
      present[word] |= bit;
      points++;
    }
    values[second] = value;
    levels[second] = level;
    mets[second] = met;
  }

  void remove(int second) {
    if (dense) {
      toSlots();
    }
    long bit = 1L << second;
    int word = second >>> 6;
    if ((present[word] & bit) != 0) {
      present[word] &= ~bit;
      points--;
    }
  }

  private void toSlots() {
    for (int i = 0; i < denseCount; i++) {
      int second = denseSeconds[i];
      present[second >>> 6] |= 1L << second;
      values[second] = denseValues[i];
      levels[second] = denseLevels[i];
      mets[second] = denseMets[i];
    }
    dense = false;
  }

  void reject(RejectedPoint point) throws InvalidFileException {
    if (rejected.size() >= MAX_REJECTED) {
      throw new InvalidFileException(
          "more than " + MAX_REJECTED + " invalid points: not usable intraday data");
    }
    rejected.add(point);
  }

  void addSummary(DailySummary summary) {
    summaries.add(summary);
  }

  public List<DailySummary> summaries() {
    return summaries;
  }

  public List<RejectedPoint> rejected() {
    return rejected;
  }

  public boolean hasIntraday() {
    return hasIntraday;
  }

  public String datasetType() {
    return datasetType;
  }

  public int datasetInterval() {
    return datasetInterval;
  }

  /** Points in the file's dataset, valid or not. */
  public int pointsRead() {
    return pointsRead;
  }

  /** Points overwritten by a later point with the same time. */
  public int duplicates() {
    return duplicates;
  }

  public int pointCount() {
    return points;
  }

  /** The first second of the day that holds a point at or after {@code from}, or -1. */
  public int nextPoint(int from) {
    if (dense) {
      int i = denseIndexAtOrAfter(from);
      return i < denseCount ? denseSeconds[i] : -1;
    }
    int word = from >>> 6;
    if (word >= WORDS) {
      return -1;
    }
    // Shifts use the low 6 bits of the count: the bits of this word below from are masked off.
    long bits = present[word] & (-1L << from);
    while (bits == 0) {
      if (++word == WORDS) {
        return -1;
      }
      bits = present[word];
    }
    return (word << 6) + Long.numberOfTrailingZeros(bits);
  }

  /** The index of the first dense point at or after {@code from} ({@code denseCount}: none). */
  private int denseIndexAtOrAfter(int from) {
    int i = cursor;
    if (i < denseCount && denseSeconds[i] < from) {
      // The usual step: from the point last found to the next.
      while (i < denseCount && denseSeconds[i] < from) {
        i++;
      }
    } else if (i >= denseCount || (i > 0 && denseSeconds[i - 1] >= from)) {
      i = Arrays.binarySearch(denseSeconds, 0, denseCount, from);
      if (i < 0) {
        i = -i - 1;
      }
    }
    cursor = Math.min(i, Math.max(denseCount - 1, 0));
    return i;
  }

  /** The index of the dense point at {@code second}; the second must hold a point. */
  private int denseIndex(int second) {
    int i = cursor;
    if (i < denseCount && denseSeconds[i] == second) {
      return i;
    }
    i = Arrays.binarySearch(denseSeconds, 0, denseCount, second);
    if (i < 0) {
      throw new IllegalArgumentException("no point at second " + second);
    }
    cursor = i;
    return i;
  }

  /** The value of the point at {@code second}, which must hold one. */
  public double value(int second) {
    return dense ? denseValues[denseIndex(second)] : values[second];
  }

  /** Calories activity level, or -1 when the point had none. */
  public int level(int second) {
    return dense ? denseLevels[denseIndex(second)] : levels[second];
  }

  /** Calories METs x 10 as sent, or -1 when the point had none. */
  public int mets(int second) {
    return dense ? denseMets[denseIndex(second)] : mets[second];
  }

  public double intradaySum() {
    if (dense) {
      double sum = 0;
      for (int i = 0; i < denseCount; i++) {
        sum += denseValues[i];
      }
      return sum;
    }
    double sum = 0;
    for (int s = nextPoint(0); s >= 0; s = nextPoint(s + 1)) {
      sum += values[s];
    }
    return sum;
  }

  /** The summary for {@code date}, if the file has one. */
  public DailySummary summaryFor(LocalDate date) {
    DailySummary found = null;
    for (DailySummary summary : summaries) {
      if (summary.date().equals(date)) {
        found = summary;
      }
    }
    return found;
  }
}
