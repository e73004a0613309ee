package io.fitbitpipeline.core.format;

import com.fasterxml.jackson.core.io.NumberInput;
import io.fitbitpipeline.core.activity.Activity;
import java.nio.charset.StandardCharsets;

/**
 * The fast path for the large part of a file, its intraday dataset array, read straight from the
 * bytes (profiling showed Jackson's per-token work costing more than everything else of the
 * transform). It accepts only the plain form in which every point is valid: objects of "time"
 * ("HH:mm:ss"), "value" (a non-negative JSON number) and, optionally, "level" and "mets"
 * (non-negative integers), each once, ASCII only. At anything else it gives up and the general
 * parser reads the array, so rejected points, quarantine reasons and error locations are exactly
 * the general parser's. One instance per parser; its arrays are reused for every file.
 */
final class DatasetScanner {
  private static final byte[] KEY = "\"dataset\":[".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_NUMBER_CHARS = 30;

  // The compact form the Web API writes, without spaces and in this key order:
  // {"time":"HH:mm:ss","value":N} and {"level":L,"mets":M,"time":"HH:mm:ss","value":N}.
  private static final byte[] TIME_FIRST = ascii("{\"time\":\"");
  private static final byte[] LEVEL_FIRST = ascii("{\"level\":");
  private static final byte[] METS_AFTER_LEVEL = ascii(",\"mets\":");
  private static final byte[] TIME_AFTER_METS = ascii(",\"time\":\"");
  private static final byte[] VALUE_AFTER_TIME = ascii("\",\"value\":");

  /** Powers of ten a double holds exactly (10^0 to 10^15). */
  private static final double[] EXACT_POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
  };

  private int[] seconds = new int[1 << 12];
  private double[] values = new double[1 << 12];
  private int[] levels = new int[1 << 12];
  private int[] mets = new int[1 << 12];
  private final char[] number = new char[MAX_NUMBER_CHARS];
  private int count;
  private int open;
  private int close;
  private int at;

  /**
   * Scans {@code bytes[0, length)} for the first {@code "dataset":[} and the array after it. {@code
   * bytes[length]} must be 0: the scan stops there.
   *
   * @return true when the array was found and every point in it is plain and valid for {@code
   *     activity}; then {@link #open()}, {@link #close()} and the points describe it
   */
  boolean scan(byte[] bytes, int length, Activity activity) {
    count = 0;
    // The first match only: if it is not the dataset (a string's text, another object's field),
    // the parser does not meet the emptied array where the scan put it, and parses the file whole.
    int key = find(bytes, length, 0);
    if (key < 0) {
      return false;
    }
    open = key + KEY.length - 1;
    at = open + 1;
    try {
      skipSpace(bytes, length);
      if (bytes[at] == ']') {
        close = at;
        return true;
      }
      while (true) {
        if (!compactPoint(bytes, length, activity) && !point(bytes, length, activity)) {
          return false;
        }
        skipSpace(bytes, length);
        byte b = bytes[at++];
        if (b == ']') {
          close = at - 1;
          return true;
        }
        if (b != ',') {
          return false;
        }
        skipSpace(bytes, length);
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      // The array runs past the end of the bytes: a truncated file, the general parser's case.
      return false;
    }
  }

  /** Index of the array's '['. */
  int open() {
    return open;
  }

  /** Index of the array's ']'. */
  int close() {
    return close;
  }

  /** Puts the scanned points into {@code day} in file order, as the general parser would. */
  void putInto(DayOfData day) {
    for (int i = 0; i < count; i++) {
      day.countRead();
      day.put(seconds[i], values[i], levels[i], mets[i]);
    }
  }

  /**
   * A point in the compact form, read by fixed byte sequences instead of key by key; anything else
   * leaves {@code at} where it was for {@link #point}, which accepts every compact point as well,
   * so this only makes the common case faster.
   */
  private boolean compactPoint(byte[] b, int length, Activity activity) {
    int start = at;
    int level = -1;
    int met = -1;
    if (matches(b, length, TIME_FIRST)) {
      at += TIME_FIRST.length;
    } else if (matches(b, length, LEVEL_FIRST)) {
      at += LEVEL_FIRST.length;
      if ((level = integer(b)) < 0 || !matches(b, length, METS_AFTER_LEVEL)) {
        at = start;
        return false;
      }
      at += METS_AFTER_LEVEL.length;
      if ((met = integer(b)) < 0 || !matches(b, length, TIME_AFTER_METS)) {
        at = start;
        return false;
      }
      at += TIME_AFTER_METS.length;
    } else {
      return false;
    }
    int second = at + 8 < length ? secondOfDay(b, at) : -1;
    if (second < 0) {
      at = start;
      return false;
    }
    at += 8;
    if (!matches(b, length, VALUE_AFTER_TIME)) {
      at = start;
      return false;
    }
    at += VALUE_AFTER_TIME.length;
    double value = number(b);
    if (Double.isNaN(value)
        || b[at] != '}'
        || FitbitDayParser.checkValue(activity, value, level, met) != null) {
      at = start;
      return false;
    }
    at++;
    add(second, value, level, met);
    return true;
  }

  /** Whether {@code pattern} is at {@code at}, wholly before {@code length}. */
  private boolean matches(byte[] b, int length, byte[] pattern) {
    if (at + pattern.length > length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (b[at + i] != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private boolean point(byte[] b, int length, Activity activity) {
    if (b[at++] != '{') {
      return false;
    }
    int second = -1;
    double value = 0;
    boolean hasValue = false;
    int level = -1;
    int met = -1;
    boolean hasLevel = false;
    boolean hasMets = false;
    skipSpace(b, length);
    if (b[at] == '}') {
      return false;
    }
    while (true) {
      if (b[at++] != '"') {
        return false;
      }
      int name = at;
      while (b[at] != '"') {
        // Escapes, control characters, non-ASCII and the end of the bytes: not the plain form.
        if (b[at] < 0x20 || b[at] == '\\') {
          return false;
        }
        at++;
      }
      int nameLength = at - name;
      at++;
      skipSpace(b, length);
      if (b[at++] != ':') {
        return false;
      }
      skipSpace(b, length);
      if (is(b, name, nameLength, "time")) {
        if (second >= 0 || at + 9 >= length || b[at] != '"' || b[at + 9] != '"') {
          return false;
        }
        second = secondOfDay(b, at + 1);
        if (second < 0) {
          return false;
        }
        at += 10;
      } else if (is(b, name, nameLength, "value")) {
        if (hasValue || Double.isNaN(value = number(b))) {
          return false;
        }
        hasValue = true;
      } else if (is(b, name, nameLength, "level")) {
        if (hasLevel || (level = integer(b)) < 0) {
          return false;
        }
        hasLevel = true;
      } else if (is(b, name, nameLength, "mets")) {
        if (hasMets || (met = integer(b)) < 0) {
          return false;
        }
        hasMets = true;
      } else {
        return false;
      }
      skipSpace(b, length);
      byte next = b[at++];
      if (next == '}') {
        break;
      }
      if (next != ',') {
        return false;
      }
      skipSpace(b, length);
    }
    if (second < 0
        || !hasValue
        || FitbitDayParser.checkValue(activity, value, level, met) != null) {
      return false;
    }
    add(second, value, level, met);
    return true;
  }

  /** A non-negative JSON number of at most 30 characters, or NaN for anything else. */
  private double number(byte[] b) {
    int start = at;
    long whole = 0;
    while (b[at] >= '0' && b[at] <= '9') {
      whole = whole * 10 + (b[at] - '0');
      at++;
    }
    int digits = at - start;
    if (digits == 0 || (digits > 1 && b[start] == '0')) {
      return Double.NaN;
    }
    boolean decimal = false;
    long mantissa = whole;
    int fraction = 0;
    if (b[at] == '.') {
      at++;
      int from = at;
      while (b[at] >= '0' && b[at] <= '9') {
        mantissa = mantissa * 10 + (b[at] - '0');
        at++;
      }
      fraction = at - from;
      if (fraction == 0) {
        return Double.NaN;
      }
      decimal = true;
    }
    if (decimal && digits + fraction <= 15 && b[at] != 'e' && b[at] != 'E') {
      // Clinger's fast path: at most 15 digits and 10^fraction are exact doubles, and IEEE
      // division rounds correctly, so this is the value Jackson's parser gives for the text.
      return mantissa / EXACT_POWERS_OF_TEN[fraction];
    }
    if (b[at] == 'e' || b[at] == 'E') {
      at++;
      if (b[at] == '+' || b[at] == '-') {
        at++;
      }
      if (!digits(b)) {
        return Double.NaN;
      }
      decimal = true;
    }
    if (!decimal) {
      // Below 10^15 exact in a double, as Jackson's int-to-double conversion gives it.
      return digits > 15 ? Double.NaN : whole;
    }
    int length = at - start;
    if (length > MAX_NUMBER_CHARS) {
      return Double.NaN;
    }
    for (int i = 0; i < length; i++) {
      number[i] = (char) b[start + i];
    }
    // Correctly rounded, as Jackson's own parsing of the same text (fast or JDK) is.
    return NumberInput.parseDouble(number, 0, length, true);
  }

  /** Skips one or more digits; false if there is none. */
  private boolean digits(byte[] b) {
    int from = at;
    while (b[at] >= '0' && b[at] <= '9') {
      at++;
    }
    return at > from;
  }

  /** A non-negative integer of at most 9 digits without leading zeros, or -1. */
  private int integer(byte[] b) {
    int start = at;
    int value = 0;
    while (b[at] >= '0' && b[at] <= '9') {
      value = value * 10 + (b[at] - '0');
      at++;
    }
    int digits = at - start;
    if (digits == 0 || digits > 9 || (digits > 1 && b[start] == '0') || b[at] == '.') {
      return -1;
    }
    if (b[at] == 'e' || b[at] == 'E') {
      return -1;
    }
    return value;
  }

  private void add(int second, double value, int level, int met) {
    if (count == seconds.length) {
      int size = count * 2;
      seconds = java.util.Arrays.copyOf(seconds, size);
      values = java.util.Arrays.copyOf(values, size);
      levels = java.util.Arrays.copyOf(levels, size);
      mets = java.util.Arrays.copyOf(mets, size);
    }
    seconds[count] = second;
    values[count] = value;
    levels[count] = level;
    mets[count] = met;
    count++;
  }

  private void skipSpace(byte[] b, int length) {
    while (at < length && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) {
      at++;
    }
  }

  private static boolean is(byte[] b, int from, int length, String name) {
    if (length != name.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (b[from + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** "HH:mm:ss" at {@code at} to the second of the day, or -1 (as the general parser reads it). */
  private static int secondOfDay(byte[] b, int at) {
    if (b[at + 2] != ':' || b[at + 5] != ':') {
      return -1;
    }
    int h = twoDigits(b, at);
    int m = twoDigits(b, at + 3);
    int s = twoDigits(b, at + 6);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) {
      return -1;
    }
    return h * 3600 + m * 60 + s;
  }

  private static int twoDigits(byte[] b, int at) {
    int x = b[at] - '0';
    int y = b[at + 1] - '0';
    if (x < 0 || x > 9 || y < 0 || y > 9) {
      return -1;
    }
    return x * 10 + y;
  }

  private static int find(byte[] b, int length, int from) {
    outer:
    for (int i = from; i <= length - KEY.length; i++) {
      for (int k = 0; k < KEY.length; k++) {
        if (b[i + k] != KEY[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
