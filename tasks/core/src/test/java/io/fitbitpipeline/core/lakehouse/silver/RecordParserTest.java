package io.fitbitpipeline.core.lakehouse.silver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every parsing rule of LAKEHOUSE_FORMAT.md, source by source: exact values and exact reasons. */
class RecordParserTest {
  private static final LocalDateTime T0 = LocalDateTime.of(2025, 11, 16, 8, 0);
  private static final LocalDateTime T1 = LocalDateTime.of(2025, 11, 16, 9, 0);
  private static final LocalDateTime T1_5 = LocalDateTime.of(2025, 11, 16, 9, 0, 5);

  private static final String USER_INFO =
      "{\"user_id\": 12140, \"update_type\": \"new\", \"timestamp\": 1763280000.0,"
          + " \"dob\": \"09/13/1997\", \"sex\": \"F\", \"gender\": \"F\", \"first_name\": \"Ana\","
          + " \"last_name\": \"Lee\", \"address\": {\"street_address\": \"1 Main St\","
          + " \"city\": \"Austin\", \"state\": \"TX\", \"zip\": 73301}}";

  /** The Java type of each column type in a parsed event (RecordParser's Javadoc). */
  private static final Map<ColumnType, Class<?>> JAVA_TYPES =
      Map.of(
          ColumnType.BIGINT, Long.class,
          ColumnType.DOUBLE, Double.class,
          ColumnType.TEXT, String.class,
          ColumnType.DATE, LocalDate.class,
          ColumnType.TIMESTAMP, LocalDateTime.class);

  private final RecordParser parser = new RecordParser();

  private Object[] parse(LakehouseSource source, String text) throws InvalidRecordException {
    Object[] values = parser.parse(source, text);
    assertEquals(source.valueColumns(), values.length, "one value per event column of " + source);
    List<Column> columns = source.events().columns();
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        assertTrue(columns.get(i).nullable(), columns.get(i).name() + " is required");
        continue;
      }
      Class<?> expected = JAVA_TYPES.get(columns.get(i).type());
      assertNotNull(expected, columns.get(i).type().name());
      assertInstanceOf(expected, values[i], columns.get(i).name());
    }
    return values;
  }

  private String reason(LakehouseSource source, String text) {
    return assertThrows(
            InvalidRecordException.class,
            () -> parser.parse(source, text),
            () -> source + " accepted " + text)
        .getMessage();
  }

  // ---- valid records ----

  @Test
  void bpmGivesLongDeviceUtcTimeWithMicrosecondsAndDouble() throws Exception {
    Object[] values =
        parse(
            LakehouseSource.BPM,
            "{\"device_id\": 103001, \"time\": 1763283605.123456, \"heartrate\": 112.4}");
    assertArrayEquals(
        new Object[] {103001L, LocalDateTime.of(2025, 11, 16, 9, 0, 5, 123_456_000), 112.4},
        values);
  }

  @Test
  void numbersInExponentFormAreNumbers() throws Exception {
    Object[] values =
        parse(
            LakehouseSource.BPM,
            "{\"device_id\": 1.03001e5, \"time\": 1.763283605E9, \"heartrate\": 1.125e2}");
    assertArrayEquals(new Object[] {103001L, T1_5, 112.5}, values);
  }

  @Test
  void anIntegralIdWithAFractionPartIsAccepted() throws Exception {
    Object[] values =
        parse(LakehouseSource.BPM, "{\"device_id\": 7.000, \"time\": 0, \"heartrate\": 60}");
    assertArrayEquals(new Object[] {7L, LocalDateTime.of(1970, 1, 1, 0, 0), 60.0}, values);
  }

  @Test
  void timeKeepsMicrosecondsAndNothingFiner() throws Exception {
    LocalDateTime time =
        (LocalDateTime)
            parse(
                LakehouseSource.BPM,
                "{\"device_id\": 1, \"time\": 1763283605.0000014, \"heartrate\": 60}")[1];
    assertEquals(LocalDateTime.of(2025, 11, 16, 9, 0, 5, 1_000), time);
  }

  @Test
  void outOfRangeHeartRatesAreStillReadings() throws Exception {
    // Range is silver.heart_rate's "valid" column, not a parse rule.
    assertArrayEquals(
        new Object[] {5L, T1_5, -3.0},
        parse(LakehouseSource.BPM, "{\"device_id\": 5, \"time\": 1763283605, \"heartrate\": -3}"));
    assertArrayEquals(
        new Object[] {5L, T1_5, 400.0},
        parse(LakehouseSource.BPM, "{\"device_id\": 5, \"time\": 1763283605, \"heartrate\": 400}"));
  }

  /**
   * Hostile input: exponents of a hundred million in 12 characters. Rescaling them to microseconds
   * used to compute 10^99999999 and hung the silver step; now they are decided in microseconds.
   */
  @org.junit.jupiter.api.Timeout(10)
  @Test
  void hugeExponentsAreDecidedWithoutComputingThem() throws Exception {
    assertEquals(
        "field 'time' is not epoch seconds between 1970 and 2100: 1E+99999999",
        reason(LakehouseSource.BPM, "{\"device_id\": 1, \"time\": 1e99999999, \"heartrate\": 60}"));
    assertEquals(
        LocalDateTime.of(1970, 1, 1, 0, 0),
        parse(LakehouseSource.BPM, "{\"device_id\": 1, \"time\": 1e-99999999, \"heartrate\": 60}")[
            1]);
    assertEquals(
        "field 'device_id' is not a whole number in range: 1E+99999999",
        reason(LakehouseSource.BPM, "{\"device_id\": 1e99999999, \"time\": 1, \"heartrate\": 60}"));
    assertEquals(
        "registration_timestamp is not epoch seconds between 1970 and 2100: 1e99999999",
        reason(LakehouseSource.REGISTRATIONS, "1,2,aa:bb:cc:dd:ee:ff,1e99999999")
            .replace("field 'registration_timestamp'", "registration_timestamp"));
    assertEquals(
        LocalDateTime.of(1970, 1, 1, 0, 0),
        parse(LakehouseSource.REGISTRATIONS, "1,2,aa:bb:cc:dd:ee:ff,1e-99999999")[3]);
  }

  @Test
  void recordsPastTheReadLimitsAreRejected() {
    assertTrue(
        reason(LakehouseSource.BPM, "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
            .startsWith("not JSON: Document nesting depth (33) exceeds the maximum allowed (32"));
    assertTrue(
        reason(LakehouseSource.BPM, "{\"device_id\": 1" + "0".repeat(100_000) + "}")
            .startsWith("not JSON: Number value length"));
  }

  @Test
  void timeLimitsAreInclusiveOf1970AndExclusiveOf2100() throws Exception {
    assertEquals(
        LocalDateTime.of(1970, 1, 1, 0, 0),
        parse(LakehouseSource.BPM, "{\"device_id\": 1, \"time\": 0.0, \"heartrate\": 60}")[1]);
    assertEquals(
        LocalDateTime.of(2099, 12, 31, 23, 59, 59, 999_999_000),
        parse(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 4102444799.999999, \"heartrate\": 60}")[1]);
  }

  /**
   * Fails today: the range is checked before rounding to microseconds, so a time a fraction of a
   * microsecond before 2100 is accepted and comes out as 2100-01-01T00:00, outside the parser's
   * documented range ("up to (not including) 2100-01-01"). Fix: round to microseconds first, then
   * compare the rounded value with the limits.
   */
  @Test
  void noAcceptedTimeRoundsInto2100() {
    String text = "{\"device_id\": 1, \"time\": 4102444799.9999996, \"heartrate\": 60}";
    Object[] values;
    try {
      values = parser.parse(LakehouseSource.BPM, text);
    } catch (InvalidRecordException e) {
      assertTrue(e.getMessage().startsWith("field 'time' is not epoch seconds"), e.getMessage());
      return;
    }
    LocalDateTime time = (LocalDateTime) values[1];
    assertTrue(time.getYear() < 2100, () -> "accepted as " + time);
  }

  @Test
  void workoutGivesTheEventColumnsInTableOrder() throws Exception {
    Object[] values =
        parse(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 12140, \"workout_id\": 3, \"timestamp\": 1763283600.0,"
                + " \"action\": \"start\", \"session_id\": 1}");
    // user_id, workout_id, session_id, action, time
    assertArrayEquals(new Object[] {12140L, 3L, 1L, "start", T1}, values);
    assertEquals(
        "stop",
        parse(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 2, \"timestamp\": 1, \"action\": \"stop\","
                + " \"session_id\": 3}")[3]);
  }

  @Test
  void userInfoGivesEveryProfileField() throws Exception {
    Object[] values = parse(LakehouseSource.USER_INFO, USER_INFO);
    assertArrayEquals(
        new Object[] {
          12140L,
          "new",
          T0,
          LocalDate.of(1997, 9, 13),
          "F",
          "F",
          "Ana",
          "Lee",
          "1 Main St",
          "Austin",
          "TX",
          73301L
        },
        values);
  }

  @Test
  void userInfoUpdateMayLeaveOptionalFieldsOut() throws Exception {
    Object[] values =
        parse(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 1, \"update_type\": \"update\", \"timestamp\": 1763283600,"
                + " \"city\": \"ignored: not in address\", \"address\": null, \"dob\": null}");
    assertArrayEquals(
        new Object[] {1L, "update", T1, null, null, null, null, null, null, null, null, null},
        values);
    Object[] partial =
        parse(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 1, \"update_type\": \"update\", \"timestamp\": 1763283600,"
                + " \"address\": {\"city\": \"Austin\", \"zip\": 7.3301e4}}");
    assertEquals("Austin", partial[9]);
    assertNull(partial[10]);
    assertEquals(73301L, partial[11]);
  }

  @Test
  void deleteNeedsOnlyItsThreeFields() throws Exception {
    Object[] values =
        parse(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 12140, \"update_type\": \"delete\", \"timestamp\": 1763283600.5}");
    assertArrayEquals(
        new Object[] {
          12140L,
          "delete",
          LocalDateTime.of(2025, 11, 16, 9, 0, 0, 500_000_000),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null
        },
        values);
  }

  @Test
  void registrationLineGivesTypedValues() throws Exception {
    assertArrayEquals(
        new Object[] {12140L, 103001L, "aa:bb:cc:dd:ee:ff", T0},
        parse(LakehouseSource.REGISTRATIONS, "12140,103001,aa:bb:cc:dd:ee:ff,1763280000"));
    assertArrayEquals(
        new Object[] {12140L, 103001L, "aa:bb:cc:dd:ee:ff", T1_5.withNano(250_000_000)},
        parse(LakehouseSource.REGISTRATIONS, " 12140 , 103001 , aa:bb:cc:dd:ee:ff , 1763283605.25"),
        "fields are trimmed");
  }

  @Test
  void aLineOfAWindowsFileIsReadLikeAnyOther() throws Exception {
    assertArrayEquals(
        new Object[] {12140L, 103001L, "aa:bb:cc:dd:ee:ff", T0},
        parse(LakehouseSource.REGISTRATIONS, "12140,103001,aa:bb:cc:dd:ee:ff,1763280000\r"));
  }

  @Test
  void gymLoginLineGivesTypedValues() throws Exception {
    // The gym is a name (the simulator writes "Austin Downtown"), kept as text.
    assertArrayEquals(
        new Object[] {"aa:bb:cc:dd:ee:ff", "Austin Downtown", T0, T1},
        parse(
            LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff,Austin Downtown,1763280000,1763283600"));
    assertArrayEquals(
        new Object[] {"aa:bb:cc:dd:ee:ff", "7", T0, T0},
        parse(LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff, 7 ,1763280000,1763280000.0"),
        "a logout at the login time is not before it");
  }

  // ---- rejected records ----

  static Stream<Arguments> rejected() {
    String bpmTail = ", \"time\": 1763283605.0, \"heartrate\": 112.4}";
    String bpm = "{\"device_id\": 103001" + bpmTail;
    return Stream.of(
        // The record as a whole.
        Arguments.of(LakehouseSource.BPM, null, "empty record (no value)"),
        Arguments.of(LakehouseSource.BPM, "device 103001 at 112 bpm", "not JSON: "),
        Arguments.of(LakehouseSource.BPM, "{\"device_id\": 103001, ", "not JSON: "),
        Arguments.of(LakehouseSource.BPM, bpm + " trailing", "not JSON: "),
        Arguments.of(LakehouseSource.BPM, bpm + bpm, "not JSON: "),
        Arguments.of(LakehouseSource.BPM, "[" + bpm + "]", "not a JSON object: array"),
        Arguments.of(
            LakehouseSource.BPM, "\"" + bpm.replace("\"", "'") + "\"", "not a JSON object: string"),
        Arguments.of(LakehouseSource.BPM, "null", "not a JSON object: null"),
        Arguments.of(LakehouseSource.BPM, "112.4", "not a JSON object: number"),
        Arguments.of(LakehouseSource.WORKOUT, "", "not a JSON object: "),
        // bpm fields.
        Arguments.of(LakehouseSource.BPM, "{" + bpmTail.substring(2), "missing field 'device_id'"),
        Arguments.of(
            LakehouseSource.BPM, "{\"device_id\": null" + bpmTail, "missing field 'device_id'"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"heartrate\": 112.4}",
            "missing field 'time'"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 1763283605, \"heartrate\": null}",
            "missing field 'heartrate'"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 1763283605, \"heartrate\": \"112\"}",
            "field 'heartrate' is not a JSON number: \"112\""),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 1763283605, \"heartrate\": true}",
            "field 'heartrate' is not a JSON number: true"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 1763283605, \"heartrate\": 1e400}",
            "field 'heartrate' is out of range"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": \"103001\"" + bpmTail,
            "field 'device_id' is not a JSON number: \"103001\""),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 12.5" + bpmTail,
            "field 'device_id' is not a whole number in range: 12.5"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 9223372036854775808" + bpmTail,
            "field 'device_id' is not a whole number in range: 9223372036854775808"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1e19" + bpmTail,
            "field 'device_id' is not a whole number in range: "),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": \"1763283605\", \"heartrate\": 60}",
            "field 'time' is not a JSON number: \"1763283605\""),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": -1, \"heartrate\": 60}",
            "field 'time' is not epoch seconds between 1970 and 2100: -1"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": -0.5, \"heartrate\": 60}",
            "field 'time' is not epoch seconds between 1970 and 2100: "),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 4102444800, \"heartrate\": 60}",
            "field 'time' is not epoch seconds between 1970 and 2100: 4102444800"),
        Arguments.of(
            LakehouseSource.BPM,
            "{\"device_id\": 1, \"time\": 1763283605000, \"heartrate\": 60}",
            "field 'time' is not epoch seconds between 1970 and 2100: "),
        // workout fields.
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600, \"action\": \"start\"}",
            "missing field 'session_id'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"workout_id\": 3, \"timestamp\": 1763283600, \"action\": \"start\","
                + " \"session_id\": 1}",
            "missing field 'user_id'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"timestamp\": 1763283600, \"action\": \"start\", \"session_id\": 1}",
            "missing field 'workout_id'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"action\": \"start\", \"session_id\": 1}",
            "missing field 'timestamp'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600, \"session_id\": 1}",
            "missing field 'action'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600, \"action\": null,"
                + " \"session_id\": 1}",
            "missing field 'action'"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600,"
                + " \"action\": \"Start\", \"session_id\": 1}",
            "unknown action \"Start\"; expected one of "),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600,"
                + " \"action\": \"pause\", \"session_id\": 1}",
            "unknown action \"pause\"; expected one of "),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600, \"action\": 1,"
                + " \"session_id\": 1}",
            "unknown action 1; expected one of "),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600,"
                + " \"action\": \"start\", \"session_id\": \"1\"}",
            "field 'session_id' is not a JSON number: \"1\""),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3.5, \"timestamp\": 1763283600,"
                + " \"action\": \"start\", \"session_id\": 1}",
            "field 'workout_id' is not a whole number in range: 3.5"),
        Arguments.of(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 4102444800.5,"
                + " \"action\": \"start\", \"session_id\": 1}",
            "field 'timestamp' is not epoch seconds between 1970 and 2100: "),
        // user_info fields.
        Arguments.of(
            LakehouseSource.USER_INFO,
            "{\"update_type\": \"delete\", \"timestamp\": 1763283600}",
            "missing field 'user_id'"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 1, \"timestamp\": 1763283600}",
            "missing field 'update_type'"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 1, \"update_type\": \"delete\"}",
            "missing field 'timestamp'"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            "{\"user_id\": 1, \"update_type\": \"delete\", \"timestamp\": null}",
            "missing field 'timestamp'"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"new\"", "\"upsert\""),
            // The whole reason, allowed values sorted: it is data, the same in every JVM.
            "unknown update_type \"upsert\"; expected one of [delete, new, update]"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"new\"", "\"New\""),
            "unknown update_type \"New\"; expected one of "),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"new\"", "\"DELETE\""),
            "unknown update_type \"DELETE\"; expected one of "),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"user_id\": 12140", "\"user_id\": \"12140\""),
            "field 'user_id' is not a JSON number: \"12140\""),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("09/13/1997", "1997-09-13"),
            "field 'dob' is not a MM/dd/yyyy date: 1997-09-13"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("09/13/1997", "13/09/1997"),
            "field 'dob' is not a MM/dd/yyyy date: 13/09/1997"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("09/13/1997", "9/13/1997"),
            "field 'dob' is not a MM/dd/yyyy date: 9/13/1997"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("09/13/1997", "02/30/2020"),
            "field 'dob' is not a MM/dd/yyyy date: 02/30/2020"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("09/13/1997", "02/29/2021"),
            "field 'dob' is not a MM/dd/yyyy date: 02/29/2021"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"09/13/1997\"", "19970913"),
            "field 'dob' is not a string: 19970913"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"first_name\": \"Ana\"", "\"first_name\": 5"),
            "field 'first_name' is not a string: 5"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"city\": \"Austin\"", "\"city\": [\"Austin\"]"),
            "field 'address.city' is not a string: "),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.substring(0, USER_INFO.indexOf("\"address\""))
                + "\"address\": \"1 Main St, Austin TX\"}",
            "field 'address' is not an object"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.substring(0, USER_INFO.indexOf("\"address\"")) + "\"address\": [1]}",
            "field 'address' is not an object"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"zip\": 73301", "\"zip\": \"73301\""),
            "field 'address.zip' is not a JSON number: \"73301\""),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("\"zip\": 73301", "\"zip\": 73301.5"),
            "field 'address.zip' is not a whole number in range: 73301.5"),
        Arguments.of(
            LakehouseSource.USER_INFO,
            USER_INFO.replace("1763280000.0", "-86400"),
            "field 'timestamp' is not epoch seconds between 1970 and 2100: -86400"),
        // registrations CSV.
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,1763280000",
            "expected 4 comma-separated fields, found 3"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,1763280000,extra",
            "expected 4 comma-separated fields, found 5"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,1763280000,",
            "expected 4 comma-separated fields, found 5"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS, "", "expected 4 comma-separated fields, found 1"),
        Arguments.of(LakehouseSource.REGISTRATIONS, null, "empty record (no value)"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "abc,103001,aa:bb:cc:dd:ee:ff,1763280000",
            "user_id is not a number: abc"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,0x1f,aa:bb:cc:dd:ee:ff,1763280000",
            "device_id is not a number: 0x1f"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,yesterday",
            "registration_timestamp is not a number: yesterday"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140.5,103001,aa:bb:cc:dd:ee:ff,1763280000",
            "field 'user_id' is not a whole number in range: 12140.5"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "99999999999999999999,103001,aa:bb:cc:dd:ee:ff,1763280000",
            "field 'user_id' is not a whole number in range: 99999999999999999999"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            ",103001,aa:bb:cc:dd:ee:ff,1763280000",
            "missing user_id"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,,aa:bb:cc:dd:ee:ff,1763280000",
            "missing device_id"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS, "12140,103001, ,1763280000", "missing mac_address"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,",
            "missing registration_timestamp"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,-5",
            "field 'registration_timestamp' is not epoch seconds between 1970 and 2100: -5"),
        Arguments.of(
            LakehouseSource.REGISTRATIONS,
            "12140,103001,aa:bb:cc:dd:ee:ff,5000000000",
            "field 'registration_timestamp' is not epoch seconds between 1970 and 2100:"
                + " 5000000000"),
        // gym_logins CSV.
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,1763280000",
            "expected 4 comma-separated fields, found 3"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,1763280000,1763283600,1",
            "expected 4 comma-separated fields, found 5"),
        Arguments.of(LakehouseSource.GYM_LOGINS, ",7,1763280000,1763283600", "missing mac_address"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff,,1763280000,1763283600", "missing gym"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff,7,,1763283600", "missing login"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff,7,1763280000,", "missing logout"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS, "aa:bb:cc:dd:ee:ff, ,1763280000,1763283600", "missing gym"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,noon,1763283600",
            "login is not a number: noon"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,1763280000,later",
            "logout is not a number: later"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,1763283600,1763280000",
            "logout 1763280000 is before login 1763283600"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,1763283600,1763283599.999999",
            "logout 1763283599.999999 is before login 1763283600"),
        Arguments.of(
            LakehouseSource.GYM_LOGINS,
            "aa:bb:cc:dd:ee:ff,7,-60,1763283600",
            "field 'login' is not epoch seconds between 1970 and 2100: -60"));
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("rejected")
  void invalidRecordsAreRejectedWithTheirReason(
      LakehouseSource source, String text, String reason) {
    String actual = reason(source, text);
    assertTrue(
        actual.startsWith(reason),
        () -> "reason '" + actual + "' should start with '" + reason + "'");
  }

  @Test
  void theReasonNamesTheAllowedValues() {
    String reason =
        reason(
            LakehouseSource.WORKOUT,
            "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": 1763283600,"
                + " \"action\": \"Start\", \"session_id\": 1}");
    assertTrue(reason.contains("start") && reason.contains("stop"), reason);
    String update = reason(LakehouseSource.USER_INFO, USER_INFO.replace("\"new\"", "\"x\""));
    for (String type : List.of("new", "update", "delete")) {
      assertTrue(update.contains(type), update);
    }
  }

  @Test
  void aLongValueIsAbbreviatedInTheReason() {
    String text = "not json " + "x".repeat(10_000);
    String reason = reason(LakehouseSource.BPM, text);
    assertTrue(reason.startsWith("not JSON: "), reason);
    assertTrue(reason.length() < 1_000, () -> "reason of " + reason.length() + " characters");
    String long5 = "a".repeat(200);
    String dob = reason(LakehouseSource.USER_INFO, USER_INFO.replace("09/13/1997", long5));
    assertTrue(dob.length() < 120, dob);
    assertTrue(dob.endsWith("..."), dob);
  }
}
