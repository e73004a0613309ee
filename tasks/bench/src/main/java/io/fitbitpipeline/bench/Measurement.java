package io.fitbitpipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The repeated timings of one benchmark case, and what they processed. */
final class Measurement {
  final String name;
  final String note;
  final List<Double> seconds = new ArrayList<>();
  final List<Double> firstPass = new ArrayList<>();
  long peakRssKb = -1;
  long bytes;
  long rows;

  Measurement(String name, String note) {
    this.name = name;
    this.note = note;
  }

  void add(double s) {
    seconds.add(s);
  }

  void rss(long kb) {
    peakRssKb = Math.max(peakRssKb, kb);
  }

  double median() {
    return median(seconds);
  }

  double medianFirstPass() {
    return median(firstPass);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double mbPerSecond() {
    return bytes / 1e6 / median();
  }

  double rowsPerSecond() {
    return rows / median();
  }
}
