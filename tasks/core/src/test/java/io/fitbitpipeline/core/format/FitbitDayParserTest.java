package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parser on every recorded Fitbit response in fitbit-samples/ and on each kind of bad input.
 */
class FitbitDayParserTest {
  private final FitbitDayParser parser = new FitbitDayParser();
  private final DayOfData day = new DayOfData();

  private DayOfData sample(String name, Activity activity) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/fitbit-samples/" + name)) {
      byte[] bytes = in.readAllBytes();
      assertEquals((byte) 0xEF, bytes[0], name + " starts with a byte-order mark, as recorded");
      parser.parse(new ByteArrayInputStream(bytes), activity, day);
    }
    return day;
  }

  private DayOfData parse(String json, Activity activity) throws Exception {
    parser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), activity, day);
    return day;
  }

  private String invalid(String json, Activity activity) {
    return assertThrows(InvalidFileException.class, () -> parse(json, activity)).reason();
  }

  @Test
  void heartRateIntradayWithZonesAndRestingRate() throws Exception {
    DayOfData d = sample("fitbitnet_GetHeartRateIntradayTimeSeries.json", Activity.HEART_RATE);
    assertEquals(1157, d.pointsRead());
    assertEquals(1157, d.pointCount());
    assertEquals(0, d.rejected().size());
    DailySummary summary = d.summaryFor(LocalDate.of(2017, 6, 29));
    assertEquals(59, summary.restingHeartRate());
    assertEquals(
        List.of("Out of Range", "Fat Burn", "Cardio", "Peak"),
        summary.zones().stream().map(HeartRateZone::name).toList());
    HeartRateZone outOfRange = summary.zones().get(0);
    assertEquals(30, outOfRange.minBpm());
    assertEquals(95, outOfRange.maxBpm());
    assertEquals(1122, outOfRange.minutes());
    assertEquals(1693.83222, outOfRange.caloriesOut(), 1e-9);
    assertEquals(58, d.value(d.nextPoint(0)));
    assertEquals("minute", d.datasetType());
    assertEquals(1, d.datasetInterval());
  }

  @Test
  void legacyFlatHeartFormKeepsZonesAndAverage() throws Exception {
    DayOfData d = sample("fitbitnet_GetHeartRateIntradayTimeSeries1.1.json", Activity.HEART_RATE);
    DailySummary summary = d.summaryFor(LocalDate.of(2017, 8, 21));
    assertEquals("55.44", summary.averageHeartRate());
    assertNull(summary.restingHeartRate());
    assertEquals(4, summary.zones().size());
    assertEquals(186.84666, summary.zones().get(3).caloriesOut(), 1e-9);
    assertEquals(96, d.pointCount());
    assertEquals(15 * 60, d.nextPoint(1), "15-minute points");
  }

  @Test
  void heartRateTimeSeriesHoldsSevenDaysAndNoIntraday() throws Exception {
    DayOfData d = sample("fitbitnet_GetHeartRateTimeSeries.json", Activity.HEART_RATE);
    assertEquals(7, d.summaries().size());
    assertFalse(d.hasIntraday());
    assertEquals(51, d.summaryFor(LocalDate.of(2017, 8, 15)).restingHeartRate());
    // As a one-day file it is quarantined: its other days disagree with the key's date.
    String reason =
        assertThrows(
                InvalidFileException.class,
                () ->
                    new DayValidator().validate(Activity.HEART_RATE, LocalDate.of(2017, 8, 15), d))
            .reason();
    assertTrue(reason.contains("disagrees with the key's date 2017-08-15"), reason);
  }

  @Test
  void caloriesCarryLevelAndMets() throws Exception {
    DayOfData d = sample("fitbitnet_IntradayActivitiesCalories.json", Activity.CALORIES);
    assertEquals(1440, d.pointCount());
    assertEquals("2601", d.summaryFor(LocalDate.of(2015, 3, 20)).value());
    assertEquals(1.1857000589370728, d.value(0), 0);
    assertEquals(0, d.level(0));
    assertEquals(10, d.mets(0));
    assertEquals(11, d.mets(11 * 60));
    for (int s = d.nextPoint(0); s >= 0; s = d.nextPoint(s + 1)) {
      assertTrue(d.level(s) >= 0 && d.level(s) <= 3);
    }
  }

  @Test
  void emptySummaryArrayStillGivesTheIntradayPoints() throws Exception {
    DayOfData d =
        sample("fitbitnet_IntradayActivitiesCaloriesMissingDateTime.json", Activity.CALORIES);
    assertTrue(d.summaries().isEmpty());
    assertEquals(1440, d.pointCount());
    assertEquals(0.0, d.intradaySum());
    DayValidator.ValidDay valid =
        new DayValidator().validate(Activity.CALORIES, LocalDate.of(2020, 1, 1), d);
    assertNull(valid.summary(), "no daily row when the summary array is empty");
  }

  @Test
  void stepsWithAMissingBlockAreFlaggedNotRejected() throws Exception {
    DayOfData d = sample("fitbitnet_IntradayActivitiesSteps.json", Activity.STEPS);
    assertEquals(1084, d.pointCount());
    DayValidator.ValidDay valid =
        new DayValidator().validate(Activity.STEPS, LocalDate.of(2016, 3, 8), d);
    assertEquals(7390, valid.dailyValue());
    assertTrue(valid.flags().startsWith("intraday_sum_differs"), valid.flags());
  }

  @Test
  void malformedAndTruncatedFilesAreInvalid() {
    assertTrue(
        invalid(
                "{\"activities-steps\":[{\"dateTime\":\"2026-11-16\",\"value\":\"1\"}],",
                Activity.STEPS)
            .startsWith("truncated JSON"));
    assertTrue(invalid("{\"activities-steps\": [}", Activity.STEPS).startsWith("malformed JSON"));
    assertEquals("empty file", invalid("", Activity.STEPS));
    assertTrue(invalid("[1,2]", Activity.STEPS).startsWith("top level is not a JSON object"));
    assertEquals(
        "content after the end of the JSON object",
        invalid("{\"activities-steps\":[]} {}", Activity.STEPS));
  }

  @Test
  void fitbitErrorBodyIsInvalid() {
    String reason =
        invalid(
            "{\"errors\":[{\"errorType\":\"expired_token\",\"message\":\"Access token expired\"}],\"success\":false}",
            Activity.HEART_RATE);
    assertEquals(
        "Fitbit error response instead of data: expired_token: Access token expired", reason);
  }

  @Test
  void wrongResourceIsInvalid() {
    String reason =
        invalid(
            "{\"activities-steps\":[],\"activities-steps-intraday\":{\"dataset\":[]}}",
            Activity.FLOORS);
    assertEquals(
        "wrong resource: the file holds 'activities-steps', expected 'activities-floors'", reason);
  }

  @Test
  void badPointsAreRejectedOneByOneWithTheirRawText() throws Exception {
    DayOfData d =
        parse(
            "{\"activities-steps-intraday\":{\"dataset\":["
                + "{\"time\":\"00:00:00\",\"value\":5},"
                + "{\"time\":\"00:01:00\",\"value\":null},"
                + "{\"time\":\"00:02:00\",\"value\":\"abc\"},"
                + "{\"time\":\"24:00:00\",\"value\":1},"
                + "{\"time\":\"00:03:00\",\"value\":2.5},"
                + "{\"time\":\"00:04:00\",\"value\":-1},"
                + "{\"time\":\"00:05:00\",\"value\":301},"
                + "{\"time\":\"00:06:00\"},"
                + "{\"value\":3},"
                + "{\"time\":\"00:00:00\",\"value\":7}"
                + "],\"datasetInterval\":1,\"datasetType\":\"minute\"}}",
            Activity.STEPS);
    assertEquals(10, d.pointsRead());
    assertEquals(1, d.pointCount());
    assertEquals(7, d.value(0), "the last of two points with the same time wins");
    assertEquals(1, d.duplicates());
    List<String> reasons = d.rejected().stream().map(RejectedPoint::reason).toList();
    assertEquals(
        List.of(
            "value is null",
            "value is not a number",
            "time is not HH:mm:ss",
            "value is not a whole number",
            "value is missing",
            "time is missing",
            "value -1 is outside 0..300",
            "value 301 is outside 0..300"),
        reasons);
    assertEquals("\"abc\"", d.rejected().get(1).rawValue());
    assertEquals("24:00:00", d.rejected().get(2).rawTime());
    assertEquals(d.pointsRead(), d.pointCount() + d.rejected().size() + d.duplicates());
  }

  @Test
  void rangesScaleWithTheDatasetInterval() throws Exception {
    String json =
        "{\"activities-steps-intraday\":{\"dataset\":[{\"time\":\"00:00:00\",\"value\":4000}],"
            + "\"datasetInterval\":15,\"datasetType\":\"minute\"}}";
    assertEquals(
        1, parse(json, Activity.STEPS).pointCount(), "4000 steps in 15 minutes is possible");
    String heart =
        "{\"activities-heart-intraday\":{\"dataset\":[{\"time\":\"00:00:05\",\"value\":251},"
            + "{\"time\":\"00:00:10\",\"value\":19},{\"time\":\"00:00:15\",\"value\":60}],"
            + "\"datasetInterval\":1,\"datasetType\":\"second\"}}";
    DayOfData d = parse(heart, Activity.HEART_RATE);
    assertEquals(1, d.pointCount());
    assertEquals(15, d.nextPoint(0));
    assertEquals(2, d.rejected().size());
  }

  @Test
  void caloriesLevelAndMetsAreChecked() throws Exception {
    DayOfData d =
        parse(
            "{\"activities-calories-intraday\":{\"dataset\":["
                + "{\"level\":4,\"mets\":10,\"time\":\"00:00:00\",\"value\":1.2},"
                + "{\"level\":1,\"mets\":999,\"time\":\"00:01:00\",\"value\":1.2},"
                + "{\"level\":1,\"mets\":35,\"time\":\"00:02:00\",\"value\":3.5}]}}",
            Activity.CALORIES);
    assertEquals(1, d.pointCount());
    assertEquals("level 4 is outside 0..3", d.rejected().get(0).reason());
    assertEquals("mets 999 is outside 0..250 (METs x 10)", d.rejected().get(1).reason());
  }

  @Test
  void heartZonesWithoutMinutesOnADayWithoutData() throws Exception {
    DayOfData d =
        parse(
            "{\"activities-heart\":[{\"dateTime\":\"2026-11-16\",\"value\":{\"customHeartRateZones\":"
                + "[{\"name\":\"Tempo\",\"min\":120,\"max\":150,\"minutes\":3,\"caloriesOut\":9.5}],"
                + "\"heartRateZones\":[{\"max\":94,\"min\":30,\"name\":\"Out of Range\"}]}}],"
                + "\"activities-heart-intraday\":{\"dataset\":[],\"datasetInterval\":1,\"datasetType\":\"minute\"}}",
            Activity.HEART_RATE);
    DailySummary summary = d.summaryFor(LocalDate.of(2026, 11, 16));
    assertNull(summary.restingHeartRate());
    HeartRateZone standard =
        summary.zones().stream().filter(z -> !z.custom()).findFirst().orElseThrow();
    assertNull(standard.minutes());
    assertNull(standard.caloriesOut());
    assertTrue(summary.zones().stream().anyMatch(z -> z.custom() && z.name().equals("Tempo")));
  }

  @Test
  void aFileWithNeitherSummaryNorIntradayIsInvalid() {
    assertEquals(
        "no 'activities-steps' or 'activities-steps-intraday' in the file",
        invalid("{\"foo\":1}", Activity.STEPS));
  }

  @Test
  void aTransportErrorIsNotAnInvalidFile() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }
        };
    assertThrows(IOException.class, () -> parser.parse(broken, Activity.STEPS, day));
  }
}
