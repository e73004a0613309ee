package io.fitbitpipeline.core.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.activity.ValueKind;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams one Fitbit Web API response into a {@link DayOfData}, token by token: no JSON tree of the
 * file is ever built, so speed and memory do not depend on the file size.
 *
 * <p>It accepts every form in FITBIT_FORMAT.md (a leading byte-order mark, empty summary arrays,
 * string daily values, the legacy flat heart form, missing zone fields). A file that is not valid
 * for its activity raises {@link InvalidFileException}; a point that is invalid on its own is
 * recorded in {@link DayOfData#rejected()} and the file goes on.
 */
public final class FitbitDayParser {
  /** Bodies up to this size are read whole and may take the dataset fast path; larger stream. */
  private static final int WHOLE_BODY_BYTES = 4 << 20;

  private final JsonFactory factory;
  private final boolean fastPathFits;
  private final DatasetScanner scanner = new DatasetScanner();
  private byte[] body = new byte[1 << 16];

  /** While a spliced document is parsed: the offset of its emptied dataset array, else -1. */
  private long splicedArray = -1;

  private boolean splicedPointsPut;

  public FitbitDayParser(JsonFactory factory) {
    this(factory, true);
  }

  /** {@code fastPath} false: Jackson alone, the reference the fast path is tested against. */
  FitbitDayParser(JsonFactory factory, boolean fastPath) {
    this.factory = factory;
    StreamReadConstraints limits = factory.streamReadConstraints();
    // The fast path's points must be within every limit the general parser would check on them:
    // point objects at depth 4, "HH:mm:ss" strings, names of 5 and numbers of 30 characters.
    this.fastPathFits =
        fastPath
            && limits.getMaxNestingDepth() >= 4
            && limits.getMaxStringLength() >= 8
            && limits.getMaxNameLength() >= 5
            && limits.getMaxNumberLength() >= 30;
  }

  /** With the pipeline's {@link InputLimits#DEFAULT} on nesting, string and number lengths. */
  public FitbitDayParser() {
    this(InputLimits.DEFAULT.jsonFactory());
  }

  /**
   * Parses {@code in} (closed at the end) into {@code day}, which is reset first. One instance per
   * thread, like the {@link DayOfData} it fills.
   *
   * <p>A body of up to 4 MiB is read whole first. If its dataset array is in the plain form {@link
   * DatasetScanner} reads, Jackson parses the rest of the file with that array left empty, and the
   * scanned points go in where Jackson meets the array; if anything about that differs from the
   * file as it is (the array is not where Jackson finds the dataset, or the rest fails), the whole
   * file is parsed again by Jackson alone, so messages and locations are always Jackson's on the
   * original bytes. Larger bodies, and bodies whose reading fails, go to Jackson as a stream that
   * replays what was read, then goes on (or fails) as the body does.
   *
   * @throws InvalidFileException the file is malformed, truncated, an error body, or holds another
   *     resource
   * @throws IOException reading {@code in} failed (a transport problem, not bad content)
   */
  public void parse(InputStream in, Activity activity, DayOfData day)
      throws InvalidFileException, IOException {
    day.reset();
    splicedPointsPut = false;
    try {
      int length = 0;
      IOException failed = null;
      boolean whole = false;
      try {
        while (true) {
          if (length == body.length) {
            if (length >= WHOLE_BODY_BYTES) {
              break;
            }
            body = Arrays.copyOf(body, body.length * 2);
          }
          int n = in.read(body, length, body.length - length);
          if (n < 0) {
            whole = true;
            break;
          }
          length += n;
        }
      } catch (IOException e) {
        failed = e;
      }
      if (!whole) {
        parseWithJackson(new Replay(body, length, failed, in), activity, day);
        return;
      }
      if (length < body.length) {
        body[length] = 0;
      } else {
        body = Arrays.copyOf(body, length + 1);
      }
      if (fastPathFits
          && scanner.scan(body, length, activity)
          && parseSpliced(length, activity, day)) {
        return;
      }
      day.reset();
      parseWithJackson(new ByteArrayInputStream(body, 0, length), activity, day);
    } finally {
      in.close();
    }
  }

  /** Whether the last file's dataset went through the fast path (for tests). */
  boolean fastPathUsed() {
    return splicedPointsPut;
  }

  /** The file with its dataset array emptied, parsed by Jackson; false to parse it again whole. */
  private boolean parseSpliced(int length, Activity activity, DayOfData day) {
    int open = scanner.open();
    int close = scanner.close();
    byte[] spliced = new byte[open + 1 + length - close];
    System.arraycopy(body, 0, spliced, 0, open + 1);
    System.arraycopy(body, close, spliced, open + 1, length - close);
    splicedArray = open;
    splicedPointsPut = false;
    try (JsonParser p = factory.createParser(spliced)) {
      parseDocument(p, activity, day);
      return splicedPointsPut;
    } catch (InvalidFileException | IOException | RuntimeException e) {
      splicedPointsPut = false;
      return false;
    } finally {
      splicedArray = -1;
    }
  }

  private void parseWithJackson(InputStream in, Activity activity, DayOfData day)
      throws InvalidFileException, IOException {
    // Jackson detects and skips a UTF-8 byte-order mark when it reads bytes.
    try (JsonParser p = factory.createParser(in)) {
      parseDocument(p, activity, day);
    } catch (StreamConstraintsException e) {
      throw new InvalidFileException("over an input limit: " + limitMessage(e) + location(e));
    } catch (CharConversionException e) {
      // Jackson took the first bytes for UTF-16 or UTF-32, and the rest did not decode.
      throw new InvalidFileException("not UTF-8 text: " + e.getMessage());
    } catch (JsonProcessingException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Invalid UTF-8")) {
        throw new InvalidFileException("not UTF-8 text: " + e.getOriginalMessage() + location(e));
      }
      // Jackson reports a cut-off file either way, depending on where the cut falls.
      boolean truncated =
          e instanceof JsonEOFException
              || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
      throw new InvalidFileException(
          truncated
              ? "truncated JSON: input ends" + location(e)
              : "malformed JSON: " + e.getOriginalMessage() + location(e));
    }
  }

  /** The bytes read so far, then the rest of the body, or the failure that stopped reading it. */
  private static final class Replay extends InputStream {
    private final ByteArrayInputStream read;
    private final IOException failed;
    private final InputStream rest;

    Replay(byte[] bytes, int length, IOException failed, InputStream rest) {
      this.read = new ByteArrayInputStream(bytes, 0, length);
      this.failed = failed;
      this.rest = rest;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (read.available() > 0) {
        return read.read(buffer, offset, length);
      }
      if (failed != null) {
        throw failed;
      }
      return rest.read(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
      rest.close();
    }
  }

  /** Jackson's message without its pointer to the setting's Java getter. */
  private static String limitMessage(StreamConstraintsException e) {
    return String.valueOf(e.getOriginalMessage()).replaceAll(", from `[^`]*`", "");
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private void parseDocument(JsonParser p, Activity activity, DayOfData day)
      throws IOException, InvalidFileException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new InvalidFileException("empty file");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidFileException("top level is not a JSON object but " + describe(first));
    }
    boolean sawSummary = false;
    String errorBody = null;
    String otherResource = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken token = p.nextToken();
      if (field.equals(activity.summaryField())) {
        sawSummary = true;
        parseSummaries(p, activity, day);
      } else if (field.equals(activity.intradayField())) {
        parseIntraday(p, activity, day);
      } else if (field.equals("errors")) {
        errorBody = errorMessages(p);
      } else if (field.equals("success") && token == JsonToken.VALUE_FALSE) {
        errorBody = errorBody == null ? "success is false" : errorBody;
      } else {
        if (field.startsWith("activities-") && otherResource == null) {
          otherResource = field;
        }
        p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new InvalidFileException("content after the end of the JSON object");
    }
    if (errorBody != null) {
      throw new InvalidFileException("Fitbit error response instead of data: " + errorBody);
    }
    if (otherResource != null && !sawSummary && !day.hasIntraday()) {
      throw new InvalidFileException(
          "wrong resource: the file holds '"
              + otherResource
              + "', expected '"
              + activity.summaryField()
              + "'");
    }
    if (!sawSummary && !day.hasIntraday()) {
      throw new InvalidFileException(
          "no '" + activity.summaryField() + "' or '" + activity.intradayField() + "' in the file");
    }
    checkRanges(activity, day);
  }

  private static String errorMessages(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return "errors present";
    }
    List<String> messages = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String type = null;
      String message = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("errorType")) {
          type = p.getValueAsString();
        } else if (name.equals("message")) {
          message = p.getValueAsString();
        } else {
          p.skipChildren();
        }
      }
      messages.add((type == null ? "error" : type) + ": " + (message == null ? "" : message));
    }
    return messages.isEmpty() ? "errors present" : String.join("; ", messages);
  }

  private void parseSummaries(JsonParser p, Activity activity, DayOfData day)
      throws IOException, InvalidFileException {
    expect(p, JsonToken.START_ARRAY, activity.summaryField());
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "an element of " + activity.summaryField());
      day.addSummary(parseSummary(p, activity));
    }
  }

  private DailySummary parseSummary(JsonParser p, Activity activity)
      throws IOException, InvalidFileException {
    String dateTime = null;
    String value = null;
    Integer resting = null;
    List<HeartRateZone> zones = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "dateTime" -> dateTime = p.getValueAsString();
        case "value" -> {
          if (token == JsonToken.START_OBJECT) {
            resting = parseHeartValue(p, zones);
          } else if (token.isScalarValue() && token != JsonToken.VALUE_NULL) {
            value = p.getText();
          } else {
            p.skipChildren();
          }
        }
        case "heartRateZones" -> parseZones(p, zones, false);
        case "customHeartRateZones" -> parseZones(p, zones, true);
        case "restingHeartRate" -> resting = intOrNull(p, "restingHeartRate");
        default -> p.skipChildren();
      }
    }
    if (dateTime == null) {
      throw new InvalidFileException("a " + activity.summaryField() + " element has no dateTime");
    }
    LocalDate date;
    try {
      date = IsoDate.parse(dateTime);
    } catch (DateTimeParseException e) {
      throw new InvalidFileException(
          "summary dateTime '" + dateTime + "' is not a yyyy-MM-dd date");
    }
    if (activity.hasHeartRateZones()) {
      // The legacy flat form carries the day's average heart rate as a string in "value".
      return new DailySummary(date, null, resting, value, List.copyOf(zones));
    }
    return new DailySummary(date, value, null, null, List.of());
  }

  private Integer parseHeartValue(JsonParser p, List<HeartRateZone> zones)
      throws IOException, InvalidFileException {
    Integer resting = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "heartRateZones" -> parseZones(p, zones, false);
        case "customHeartRateZones" -> parseZones(p, zones, true);
        case "restingHeartRate" -> resting = intOrNull(p, "restingHeartRate");
        default -> p.skipChildren();
      }
    }
    return resting;
  }

  private void parseZones(JsonParser p, List<HeartRateZone> zones, boolean custom)
      throws IOException, InvalidFileException {
    expect(p, JsonToken.START_ARRAY, custom ? "customHeartRateZones" : "heartRateZones");
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "a heart rate zone");
      String zoneName = null;
      Integer min = null;
      Integer max = null;
      Integer minutes = null;
      Double calories = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "name" -> zoneName = storable(p.getValueAsString());
          case "min" -> min = intOrNull(p, "zone min");
          case "max" -> max = intOrNull(p, "zone max");
          case "minutes" -> minutes = intOrNull(p, "zone minutes");
          case "caloriesOut" -> calories = doubleOrNull(p, "zone caloriesOut");
          default -> p.skipChildren();
        }
      }
      if (zoneName == null || zoneName.isBlank()) {
        throw new InvalidFileException("a heart rate zone has no name");
      }
      zones.add(new HeartRateZone(zoneName, min, max, minutes, calories, custom));
    }
  }

  private void parseIntraday(JsonParser p, Activity activity, DayOfData day)
      throws IOException, InvalidFileException {
    expect(p, JsonToken.START_OBJECT, activity.intradayField());
    day.markIntraday();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "dataset" -> {
          expect(p, JsonToken.START_ARRAY, "dataset");
          if (p.currentTokenLocation().getByteOffset() == splicedArray) {
            // The emptied array of a spliced document: its points were scanned from the bytes.
            scanner.putInto(day);
            splicedPointsPut = true;
            splicedArray = -1;
          }
          // One decimal's text at a time, reused for every point of the dataset.
          StringBuilder floatText = new StringBuilder(32);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            parsePoint(p, activity, day, floatText);
          }
        }
        case "datasetInterval" ->
            day.setDataset(null, token == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0);
        case "datasetType" -> day.setDataset(p.getValueAsString(), 0);
        default -> p.skipChildren();
      }
    }
  }

  private void parsePoint(JsonParser p, Activity activity, DayOfData day, StringBuilder floatText)
      throws IOException, InvalidFileException {
    day.countRead();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      String raw = rawText(p);
      p.skipChildren();
      day.reject(new RejectedPoint(null, raw, "dataset entry is not an object"));
      return;
    }
    // Runs once per point (millions per run): no String is made for a valid point. The time is
    // read from Jackson's character buffer, and a number's text is only kept while it may still
    // be needed for a rejected point's raw value.
    int second = -1;
    boolean hasTime = false;
    String badTime = null;
    String rawValue = null;
    String problem = null;
    double value = 0;
    int level = -1;
    int mets = -1;
    boolean hasValue = false;
    JsonToken valueToken = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "time" -> {
          hasTime = true;
          second =
              token == JsonToken.VALUE_STRING
                  ? secondOfDay(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())
                  : -1;
          badTime =
              second < 0
                  ? (token == JsonToken.VALUE_STRING ? storable(p.getText()) : rawText(p))
                  : null;
        }
        case "value" -> {
          hasValue = true;
          valueToken = token;
          if (token == JsonToken.VALUE_NUMBER_INT) {
            value = p.getDoubleValue();
            // Kept only where the double would not give the text back (huge, or "-0").
            rawValue =
                p.getTextLength() > 15 || p.getTextCharacters()[p.getTextOffset()] == '-'
                    ? p.getText()
                    : null;
          } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            // A decimal's text may differ from its double's (1.50 vs 1.5): kept for rejects,
            // copied aside and made a String only if the point is rejected.
            floatText.setLength(0);
            floatText.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            rawValue = null;
            value = p.getDoubleValue();
          } else {
            rawValue = rawText(p);
            problem = token == JsonToken.VALUE_NULL ? "value is null" : "value is not a number";
          }
        }
        case "level" -> {
          if (token == JsonToken.VALUE_NUMBER_INT) {
            level = p.getIntValue();
          } else if (token != JsonToken.VALUE_NULL) {
            problem = problem == null ? "level is not an integer: " + rawText(p) : problem;
          }
        }
        case "mets" -> {
          if (token == JsonToken.VALUE_NUMBER_INT) {
            mets = p.getIntValue();
          } else if (token != JsonToken.VALUE_NULL) {
            problem = problem == null ? "mets is not an integer: " + rawText(p) : problem;
          }
        }
        default -> {}
      }
      p.skipChildren();
    }
    if (second < 0) {
      problem = hasTime ? "time is not HH:mm:ss" : "time is missing";
    } else if (!hasValue) {
      problem = "value is missing";
    }
    if (problem == null) {
      problem = checkValue(activity, value, level, mets);
    }
    if (problem != null) {
      if (valueToken == JsonToken.VALUE_NUMBER_FLOAT) {
        rawValue = floatText.toString();
      } else if (valueToken == JsonToken.VALUE_NUMBER_INT && rawValue == null) {
        // A short positive integer's text is its value's (JSON has no leading zeros).
        rawValue = formatValue(value);
      }
      String time = second >= 0 ? formatTime(second) : badTime;
      day.reject(new RejectedPoint(time, rawValue, problem));
      return;
    }
    day.put(second, value, level, mets);
  }

  static String checkValue(Activity activity, double value, int level, int mets) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "value is not a finite number";
    }
    if (activity.intradayKind() == ValueKind.INTEGER && value != Math.rint(value)) {
      return "value is not a whole number";
    }
    if (activity.hasLevelAndMets()) {
      if (level != -1 && (level < 0 || level > 3)) {
        return "level " + level + " is outside 0..3";
      }
      if (mets != -1 && (mets < 0 || mets > 250)) {
        return "mets " + mets + " is outside 0..250 (METs x 10)";
      }
    }
    return null;
  }

  /** The range check needs the dataset's interval, which may come after the dataset. */
  private static void checkRanges(Activity activity, DayOfData day) throws InvalidFileException {
    double min = activity.minValue();
    double max = activity.maxValue(day.datasetType(), day.datasetInterval());
    for (int s = day.nextPoint(0); s >= 0; s = day.nextPoint(s + 1)) {
      double v = day.value(s);
      if (v < min || v > max) {
        day.remove(s);
        day.reject(
            new RejectedPoint(
                formatTime(s),
                formatValue(v),
                "value "
                    + formatValue(v)
                    + " is outside "
                    + formatValue(min)
                    + ".."
                    + formatValue(max)));
      }
    }
  }

  /** HH:mm:ss to the second of the day, or -1; hand-written because it runs once per point. */
  static int secondOfDay(String time) {
    return time == null ? -1 : secondOfDay(time.toCharArray(), 0, time.length());
  }

  static int secondOfDay(char[] text, int offset, int length) {
    if (length != 8 || text[offset + 2] != ':' || text[offset + 5] != ':') {
      return -1;
    }
    int h = twoDigits(text, offset);
    int m = twoDigits(text, offset + 3);
    int s = twoDigits(text, offset + 6);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) {
      return -1;
    }
    return h * 3600 + m * 60 + s;
  }

  private static int twoDigits(char[] text, int at) {
    char a = text[at];
    char b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') {
      return -1;
    }
    return (a - '0') * 10 + (b - '0');
  }

  public static String formatTime(int second) {
    return String.format("%02d:%02d:%02d", second / 3600, second / 60 % 60, second % 60);
  }

  static String formatValue(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String rawText(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    if (token == null) {
      return null;
    }
    if (token == JsonToken.START_OBJECT) {
      return "{...}";
    }
    if (token == JsonToken.START_ARRAY) {
      return "[...]";
    }
    return storable(token == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText());
  }

  /** Raw text kept for a rejected point: at most this many characters. */
  static final int MAX_RAW_TEXT = 200;

  /**
   * Text from the file as the warehouse can hold it: a NUL character (valid in JSON as \\u0000,
   * refused by PostgreSQL and Redshift text) is written as the six characters \\u0000, and raw
   * values are cut to {@link #MAX_RAW_TEXT} characters, so 100,000 rejected points cannot hold the
   * whole file in memory twice.
   */
  static String storable(String text) {
    if (text == null) {
      return null;
    }
    String cut =
        text.length() <= MAX_RAW_TEXT
            ? text
            : text.substring(0, MAX_RAW_TEXT) + "...(" + text.length() + " characters)";
    return cut.indexOf('\u0000') < 0 ? cut : cut.replace("\u0000", "\\u0000");
  }

  private static Integer intOrNull(JsonParser p, String what)
      throws IOException, InvalidFileException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    if (token == JsonToken.VALUE_NUMBER_FLOAT
        && p.getDoubleValue() == Math.rint(p.getDoubleValue())) {
      return (int) p.getDoubleValue();
    }
    throw new InvalidFileException(what + " is not a whole number: " + rawText(p));
  }

  private static Double doubleOrNull(JsonParser p, String what)
      throws IOException, InvalidFileException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    throw new InvalidFileException(what + " is not a number: " + rawText(p));
  }

  private static void expect(JsonParser p, JsonToken expected, String what)
      throws IOException, InvalidFileException {
    if (p.currentToken() != expected) {
      throw new InvalidFileException(
          what + " should be " + describe(expected) + " but is " + describe(p.currentToken()));
    }
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "missing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_NULL -> "null";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> token.toString();
    };
  }
}
