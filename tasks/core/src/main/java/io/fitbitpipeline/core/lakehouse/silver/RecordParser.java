package io.fitbitpipeline.core.lakehouse.silver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.bronze.LandingIngestor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Set;

/**
 * Turns one received record (a Kafka value or a CSV line) into the values of its silver event, in
 * the events table's column order without the position columns, or says why it cannot: the rules of
 * LAKEHOUSE_FORMAT.md. Values are Long, Double, String, LocalDate and LocalDateTime (UTC).
 */
public final class RecordParser {
  /** Epoch seconds accepted as a time: 1970-01-01 up to (not including) 2100-01-01. */
  private static final BigDecimal LATEST_MICROS = BigDecimal.valueOf(4_102_444_800_000_000L);

  private static final BigDecimal LATEST_SECONDS = BigDecimal.valueOf(4_102_444_800L);

  private static final DateTimeFormatter DOB =
      DateTimeFormatter.ofPattern("MM/dd/uuuu").withResolverStyle(ResolverStyle.STRICT);
  private static final Set<String> UPDATE_TYPES = Set.of("new", "update", "delete");
  private static final Set<String> ACTIONS = Set.of("start", "stop");

  /**
   * Read limits of one record (docs/hostile-input.md): 1 MiB (Kafka's default largest message), 32
   * levels, strings of 100,000 and numbers of 100 characters; past one the record is rejected.
   */
  static final InputLimits LIMITS = new InputLimits(1L << 20, 32, 100_000, 1_000, 100);

  private final ObjectMapper json =
      new ObjectMapper(LIMITS.jsonFactory())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Exact decimals: epoch seconds keep their microseconds.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  public Object[] parse(LakehouseSource source, String text) throws InvalidRecordException {
    if (text == null) {
      throw new InvalidRecordException("empty record (no value)");
    }
    return switch (source) {
      case BPM -> bpm(object(text));
      case WORKOUT -> workout(object(text));
      case USER_INFO -> userInfo(object(text));
      case REGISTRATIONS -> registration(fields(text, 4));
      case GYM_LOGINS -> gymLogin(fields(text, 4));
    };
  }

  private Object[] bpm(JsonNode record) throws InvalidRecordException {
    return new Object[] {
      wholeNumber(record, "device_id"), time(record, "time"), number(record, "heartrate")
    };
  }

  private Object[] workout(JsonNode record) throws InvalidRecordException {
    Long user = wholeNumber(record, "user_id");
    Long workout = wholeNumber(record, "workout_id");
    LocalDateTime time = time(record, "timestamp");
    String action = oneOf(record, "action", ACTIONS);
    Long session = wholeNumber(record, "session_id");
    return new Object[] {user, workout, session, action, time};
  }

  private Object[] userInfo(JsonNode record) throws InvalidRecordException {
    Long user = wholeNumber(record, "user_id");
    String updateType = oneOf(record, "update_type", UPDATE_TYPES);
    LocalDateTime time = time(record, "timestamp");
    Object[] values = new Object[12];
    values[0] = user;
    values[1] = updateType;
    values[2] = time;
    if (updateType.equals("delete")) {
      // A delete may carry only its three fields; anything else it carries has no meaning.
      return values;
    }
    values[3] = dob(record);
    values[4] = optionalText(record, "sex", "sex");
    values[5] = optionalText(record, "gender", "gender");
    values[6] = optionalText(record, "first_name", "first_name");
    values[7] = optionalText(record, "last_name", "last_name");
    JsonNode address = record.get("address");
    if (address != null && !address.isNull()) {
      if (!address.isObject()) {
        throw new InvalidRecordException("field 'address' is not an object");
      }
      values[8] = optionalText(address, "street_address", "address.street_address");
      values[9] = optionalText(address, "city", "address.city");
      values[10] = optionalText(address, "state", "address.state");
      JsonNode zip = address.get("zip");
      if (zip != null && !zip.isNull()) {
        values[11] = integral(zip, "address.zip");
      }
    }
    return values;
  }

  private static Object[] registration(String[] fields) throws InvalidRecordException {
    return new Object[] {
      csvWholeNumber(fields[0], "user_id"),
      csvWholeNumber(fields[1], "device_id"),
      csvText(fields[2], "mac_address"),
      csvTime(fields[3], "registration_timestamp")
    };
  }

  private static Object[] gymLogin(String[] fields) throws InvalidRecordException {
    LocalDateTime login = csvTime(fields[2], "login");
    LocalDateTime logout = csvTime(fields[3], "logout");
    if (logout.isBefore(login)) {
      throw new InvalidRecordException("logout " + fields[3] + " is before login " + fields[2]);
    }
    return new Object[] {
      csvText(fields[0], "mac_address"), csvText(fields[1], "gym"), login, logout
    };
  }

  // ---- JSON ----

  private JsonNode object(String text) throws InvalidRecordException {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidRecordException(
          "not a JSON object: "
              + (node == null ? "empty" : node.getNodeType().name().toLowerCase()));
    }
    return node;
  }

  private static JsonNode required(JsonNode record, String field) throws InvalidRecordException {
    JsonNode node = record.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidRecordException("missing field '" + field + "'");
    }
    return node;
  }

  private static JsonNode requiredNumber(JsonNode record, String field)
      throws InvalidRecordException {
    JsonNode node = required(record, field);
    if (!node.isNumber()) {
      throw new InvalidRecordException(
          "field '" + field + "' is not a JSON number: " + abbreviate(node.toString()));
    }
    return node;
  }

  private static Long wholeNumber(JsonNode record, String field) throws InvalidRecordException {
    return integral(requiredNumber(record, field), field);
  }

  private static Long integral(JsonNode node, String field) throws InvalidRecordException {
    if (!node.isNumber()) {
      throw new InvalidRecordException(
          "field '" + field + "' is not a JSON number: " + abbreviate(node.toString()));
    }
    return exactLong(node.decimalValue(), field, node.toString());
  }

  private static Double number(JsonNode record, String field) throws InvalidRecordException {
    JsonNode node = requiredNumber(record, field);
    double value = node.decimalValue().doubleValue();
    if (!Double.isFinite(value)) {
      throw new InvalidRecordException("field '" + field + "' is out of range: " + node);
    }
    return value;
  }

  private static LocalDateTime time(JsonNode record, String field) throws InvalidRecordException {
    JsonNode node = requiredNumber(record, field);
    return epochSeconds(node.decimalValue(), field, node.toString());
  }

  private static String oneOf(JsonNode record, String field, Set<String> allowed)
      throws InvalidRecordException {
    JsonNode node = required(record, field);
    if (!node.isTextual() || !allowed.contains(node.textValue())) {
      throw new InvalidRecordException(
          "unknown "
              + field
              + " "
              + abbreviate(node.toString())
              + "; expected one of "
              // Sorted: Set.of iterates in an order that changes from one JVM to the next, and
              // the reason is data (silver.rejected_records), equal in every run (fault case
              // PROC-2).
              + new java.util.TreeSet<>(allowed));
    }
    return node.textValue();
  }

  private static String optionalText(JsonNode record, String field, String name)
      throws InvalidRecordException {
    JsonNode node = record.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidRecordException(
          "field '" + name + "' is not a string: " + abbreviate(node.toString()));
    }
    return node.textValue();
  }

  private static LocalDate dob(JsonNode record) throws InvalidRecordException {
    String text = optionalText(record, "dob", "dob");
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text, DOB);
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException("field 'dob' is not a MM/dd/yyyy date: " + abbreviate(text));
    }
  }

  // ---- CSV ----

  private static String[] fields(String line, int expected) throws InvalidRecordException {
    if (line.startsWith(LandingIngestor.OVERLONG_LINE)) {
      throw new InvalidRecordException(
          "line of "
              + line.substring(LandingIngestor.OVERLONG_LINE.length())
              + " characters is over the "
              + LandingIngestor.MAX_LINE_CHARS
              + "-character limit (not kept in bronze; the landing file has it)");
    }
    String[] fields = line.split(",", -1);
    if (fields.length != expected) {
      throw new InvalidRecordException(
          "expected " + expected + " comma-separated fields, found " + fields.length);
    }
    for (int i = 0; i < fields.length; i++) {
      fields[i] = fields[i].trim();
    }
    return fields;
  }

  private static String csvText(String field, String name) throws InvalidRecordException {
    if (field.isEmpty()) {
      throw new InvalidRecordException("missing " + name);
    }
    return field;
  }

  private static Long csvWholeNumber(String field, String name) throws InvalidRecordException {
    return exactLong(csvDecimal(field, name), name, field);
  }

  private static LocalDateTime csvTime(String field, String name) throws InvalidRecordException {
    return epochSeconds(csvDecimal(field, name), name, field);
  }

  private static BigDecimal csvDecimal(String field, String name) throws InvalidRecordException {
    if (field.isEmpty()) {
      throw new InvalidRecordException("missing " + name);
    }
    try {
      if (field.length() > 40) {
        throw new NumberFormatException();
      }
      return new BigDecimal(field);
    } catch (NumberFormatException e) {
      throw new InvalidRecordException(name + " is not a number: " + abbreviate(field));
    }
  }

  // ---- shared ----

  private static Long exactLong(BigDecimal value, String field, String raw)
      throws InvalidRecordException {
    try {
      return value.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidRecordException(
          "field '" + field + "' is not a whole number in range: " + abbreviate(raw));
    }
  }

  private static LocalDateTime epochSeconds(BigDecimal seconds, String field, String raw)
      throws InvalidRecordException {
    // The range is checked before any rescaling: rescaling 1e-99999999 or 1e99999999 (12
    // characters of JSON or CSV) would compute a power of ten with a hundred million digits.
    if (seconds.signum() < 0 || seconds.compareTo(LATEST_SECONDS) >= 0) {
      throw new InvalidRecordException(
          "field '" + field + "' is not epoch seconds between 1970 and 2100: " + abbreviate(raw));
    }
    if (seconds.precision() - seconds.scale() < -7) {
      return timeOf(0); // under 0.1 microseconds after the epoch: rounds to the epoch
    }
    // Rounded to microseconds first, so that nothing rounds into 2100 after the check.
    BigDecimal micros = seconds.movePointRight(6).setScale(0, RoundingMode.HALF_UP);
    if (micros.compareTo(LATEST_MICROS) >= 0) {
      throw new InvalidRecordException(
          "field '" + field + "' is not epoch seconds between 1970 and 2100: " + abbreviate(raw));
    }
    return timeOf(micros.longValueExact());
  }

  private static LocalDateTime timeOf(long micros) {
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000,
        ZoneOffset.UTC);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
