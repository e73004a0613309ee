package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.TransferException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The dataset fast path ({@link DatasetScanner}) must leave exactly what Jackson alone leaves: the
 * same points, summaries, rejected points, or the same quarantine reason, for plain files and for
 * every way a file can leave the plain form.
 */
class DatasetFastPathTest {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 16);
  private static final String SUMMARY =
      "{\"activities-steps\":[{\"dateTime\":\"2026-11-16\",\"value\":\"30\"}],";

  private final RawDayReader[] readers = DayOutcome.readers();

  /** Both readers give the same outcome; returns whether the fast path took the dataset. */
  private boolean same(String json, Activity activity) {
    return same(json.getBytes(StandardCharsets.UTF_8), activity);
  }

  private boolean same(byte[] bytes, Activity activity) {
    FitbitDayParser fast = new FitbitDayParser();
    RawDayReader fastReader =
        new RawDayReader(new RawBody(InputLimits.DEFAULT), fast, new DayValidator());
    String expected = DayOutcome.of(readers[1], new ByteArrayInputStream(bytes), activity, DATE);
    String got = DayOutcome.of(fastReader, new ByteArrayInputStream(bytes), activity, DATE);
    assertEquals(expected, got);
    return fast.fastPathUsed();
  }

  private static String steps(String dataset) {
    return SUMMARY
        + "\"activities-steps-intraday\":{\"dataset\":["
        + dataset
        + "],\"datasetInterval\":1,\"datasetType\":\"minute\"}}";
  }

  @Test
  void plainDatasetsTakeTheFastPathWithTheSameResult() {
    assertTrue(
        same(
            steps("{\"time\":\"00:00:00\",\"value\":10},{\"time\":\"00:01:00\",\"value\":20}"),
            Activity.STEPS));
    assertTrue(same(steps(""), Activity.STEPS));
    assertTrue(
        same(
            steps(
                " { \"value\" : 10 ,\n\"time\":\"00:00:00\" } , {\"time\":\"00:00:00\",\"value\":0}"),
            Activity.STEPS),
        "whitespace, field order and a repeated time (the last wins)");
    assertTrue(
        same(
            "{\"activities-distance\":[{\"dateTime\":\"2026-11-16\",\"value\":\"8.3\"}],"
                + "\"activities-distance-intraday\":{\"dataset\":[{\"time\":\"00:00:00\",\"value\":7.62E-4},"
                + "{\"time\":\"00:01:00\",\"value\":1.1857000589370728},{\"time\":\"00:02:00\",\"value\":0.1e+1},"
                + "{\"time\":\"00:03:00\",\"value\":1.50}]}}",
            Activity.DISTANCE),
        "decimals, exponents, 17 digits");
    assertTrue(
        same(
            "\uFEFF{\"activities-calories\":[{\"dateTime\":\"2026-11-16\",\"value\":\"2202\"}],"
                + "\"activities-calories-intraday\":{\"dataset\":[{\"level\":0,\"mets\":10,\"time\":\"00:00:00\","
                + "\"value\":1.1857000589370728},{\"level\":3,\"mets\":250,\"time\":\"00:01:00\",\"value\":99}]}}",
            Activity.CALORIES),
        "level and mets, after a byte-order mark");
  }

  @Test
  void anythingElseIsLeftToJacksonWithTheSameResult() {
    String[] points = {
      "{\"time\":\"24:00:00\",\"value\":1}",
      "{\"time\":\"00:00\",\"value\":1}",
      "{\"time\":\"00:00:0\\u0030\",\"value\":1}",
      "{\"time\":\"00:00:00\",\"value\":-1}",
      "{\"time\":\"00:00:00\",\"value\":01}",
      "{\"time\":\"00:00:00\",\"value\":1.}",
      "{\"time\":\"00:00:00\",\"value\":1.5}",
      "{\"time\":\"00:00:00\",\"value\":\"7\"}",
      "{\"time\":\"00:00:00\",\"value\":null}",
      "{\"time\":\"00:00:00\"}",
      "{\"value\":3}",
      "{\"time\":\"00:00:00\",\"value\":1,\"value\":2}",
      "{\"time\":\"00:00:00\",\"value\":1,\"extra\":[1,2]}",
      "{\"time\":\"00:00:00\",\"value\":1234567890123456789}",
      "{\"time\":\"00:00:00\",\"value\":1}x",
      "{\"time\":\"00:00:00\",\"value\":1",
      "{}",
      "7",
      "{\"time\":\"00:00:00\",\"value\":1},",
    };
    for (String point : points) {
      assertFastPath(false, point, DatasetFastPathTest::steps, Activity.STEPS);
    }
    assertFalse(
        same(
            "{\"activities-calories\":[{\"dateTime\":\"2026-11-16\",\"value\":\"9\"}],"
                + "\"activities-calories-intraday\":{\"dataset\":[{\"level\":4,\"mets\":10,\"time\":\"00:00:00\","
                + "\"value\":1.5},{\"level\":null,\"mets\":10,\"time\":\"00:01:00\",\"value\":2}]}}",
            Activity.CALORIES),
        "level out of range, level null");
    // Cut off inside the array, and cut off after it.
    String whole = steps("{\"time\":\"00:00:00\",\"value\":10}");
    assertFalse(same(whole.substring(0, whole.indexOf("10}") + 2), Activity.STEPS));
    assertFalse(same(whole.substring(0, whole.length() - 3), Activity.STEPS));
  }

  /**
   * Points that start like the Web API's compact form and leave it part way through: the plain ones
   * still take the fast path (key by key), the others go to Jackson, all with its result.
   */
  @Test
  void nearMissesOfTheCompactFormGiveTheSameResult() {
    String[] plain = {
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\",\"value\":1.5}",
      "{\"level\":0,\"mets\":10,\"value\":1.5,\"time\":\"00:00:00\"}",
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\",\"value\":1.5 }",
      "{\"level\":0,\"mets\":10,\"time\" :\"00:00:00\",\"value\":2}",
      "{\"time\":\"00:00:00\" ,\"value\":2}",
      "{\"time\":\"00:00:00\",\"value\":2,\"level\":1,\"mets\":20}",
      "{\"level\":0,\"time\":\"00:00:00\",\"value\":2}",
    };
    String[] others = {
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\",\"value\":1.5,\"extra\":1}",
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\"}",
      "{\"level\":0,\"mets\":10,\"mets\":11,\"time\":\"00:00:00\",\"value\":2}",
      "{\"level\":01,\"mets\":10,\"time\":\"00:00:00\",\"value\":2}",
      "{\"level\":0,\"mets\":1.5,\"time\":\"00:00:00\",\"value\":2}",
      "{\"level\":9,\"mets\":10,\"time\":\"00:00:00\",\"value\":2}",
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\",\"value\":-2}",
      "{\"level\":0,\"mets\":10,\"time\":\"0:00:00\",\"value\":2}",
      "{\"level\":0,\"mets\":10,\"time\":\"00:00:00\",\"value\":2",
    };
    for (String point : plain) {
      assertFastPath(true, point, DatasetFastPathTest::calories, Activity.CALORIES);
    }
    for (String point : others) {
      assertFastPath(false, point, DatasetFastPathTest::calories, Activity.CALORIES);
    }
  }

  /**
   * {@code point} alone and after a plain point (at 00:00:30) in a file of {@code activity} gives
   * Jackson's result, through the fast path or not as {@code fast} says.
   */
  private void assertFastPath(
      boolean fast, String point, UnaryOperator<String> file, Activity activity) {
    String plainPoint =
        activity == Activity.CALORIES
            ? "{\"level\":1,\"mets\":20,\"time\":\"00:00:30\",\"value\":5}"
            : "{\"time\":\"00:00:30\",\"value\":5}";
    assertEquals(fast, same(file.apply(point), activity), point);
    assertEquals(fast, same(file.apply(plainPoint + "," + point), activity), point);
  }

  private static String calories(String dataset) {
    return "{\"activities-calories\":[{\"dateTime\":\"2026-11-16\",\"value\":\"9\"}],"
        + "\"activities-calories-intraday\":{\"dataset\":["
        + dataset
        + "]}}";
  }

  @Test
  void theArrayMustBeWhereJacksonFindsTheDataset() {
    // Inside a string the quotes are escaped, so the scan cannot take that text for the key.
    assertTrue(
        same(
            "{\"note\":\"\\\"dataset\\\":[\",\"x\":\"\\\"dataset\\\":[{\\\"time\\\":\\\"00:00:00\\\",\\\"value\\\":1}]\","
                + steps("{\"time\":\"00:00:00\",\"value\":10}").substring(1),
            Activity.STEPS));
    // In another resource's object: not the steps dataset.
    assertFalse(
        same(
            "{\"other\":{\"dataset\":[{\"time\":\"00:00:00\",\"value\":1}]},"
                + steps("{\"time\":\"00:00:00\",\"value\":10}").substring(1),
            Activity.STEPS));
    // Twice in the intraday object: Jackson reads the second one, the last point wins as before.
    assertTrue(
        same(
            SUMMARY
                + "\"activities-steps-intraday\":{\"dataset\":[{\"time\":\"00:00:00\",\"value\":10}],"
                + "\"dataset\" : [{\"time\":\"00:00:00\",\"value\":20}]}}",
            Activity.STEPS));
    // Malformed JSON outside the array: the message and location are those of the whole file.
    assertFalse(same(steps("{\"time\":\"00:00:00\",\"value\":10}") + "}", Activity.STEPS));
    assertFalse(
        same(
            steps("{\"time\":\"00:00:00\",\"value\":10}").replace("\"minute\"", "minute"),
            Activity.STEPS));
  }

  @Test
  void bodiesOverFourMebibytesStreamWithTheSameResult() {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < 86_400 * 2; i++) {
      int s = i % 86_400;
      points
          .append(i == 0 ? "" : ",")
          .append("{\"time\":\"")
          .append(String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60))
          .append("\",\"value\":")
          .append(60 + i % 50)
          .append(", \"pad\": \"")
          .append("x".repeat(10))
          .append("\"}");
    }
    String json = steps(points.toString());
    assertTrue(json.length() > 4 << 20);
    assertFalse(same(json, Activity.STEPS));
  }

  @Test
  void aFailingTransferFailsAsBefore() {
    byte[] bytes = steps("{\"time\":\"00:00:00\",\"value\":10}").getBytes(StandardCharsets.UTF_8);
    for (RawDayReader reader : readers) {
      InputStream broken =
          new InputStream() {
            int at;

            @Override
            public int read() throws IOException {
              if (at == 40) {
                throw new TransferException("connection reset", new IOException("reset"));
              }
              return bytes[at++] & 0xff;
            }
          };
      assertEquals(
          "failed: TransferException connection reset",
          DayOutcome.of(reader, broken, Activity.STEPS, DATE));
    }
  }
}
