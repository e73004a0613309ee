package io.fitbitpipeline.core.lakehouse.bronze;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like BufferedReader.readLine, but never holds more than {@code maxChars} of one line:
 * the rest of a longer line is read and dropped, and the line is reported as too long, so a 1 GB
 * single-line landing file costs no more memory than the limit.
 */
final class BoundedLines {
  /** One line: its text (null when it was too long) and its length in characters. */
  record Line(String text, long length) {}

  private final Reader in;
  private final int maxChars;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private boolean ended;

  BoundedLines(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** The next line without its terminator (\n, \r\n or \r), or null at the end. */
  Line next() throws IOException {
    StringBuilder text = new StringBuilder();
    long length = 0;
    boolean any = false;
    while (true) {
      if (position == limit && !fill()) {
        return any ? line(text, length) : null;
      }
      any = true;
      char c = buffer[position++];
      if (c == '\n') {
        return line(text, length);
      }
      if (c == '\r') {
        if ((position < limit || fill()) && buffer[position] == '\n') {
          position++;
        }
        return line(text, length);
      }
      length++;
      if (length <= maxChars) {
        text.append(c);
      }
    }
  }

  private Line line(StringBuilder text, long length) {
    return new Line(length <= maxChars ? text.toString() : null, length);
  }

  private boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      ended = n < 0;
      return !ended && fill();
    }
    position = 0;
    limit = n;
    return true;
  }
}
