package io.fitbitpipeline.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fitbit.data_yield rules on hand-made days, through the real steps and promote (PostgreSQL and
 * the S3-API server): 1-second data, gaps at the 30-minute and 10-hour boundaries, a day that ends
 * early, steps without heart rate, the threshold setting, and rows recomputed by a rerun.
 */
class DataYieldTest {
  private static final String DAY1 = "2026-11-16";
  private static final String DAY2 = "2026-11-17";
  private static final Window WINDOW = Window.dates(DAY1, DAY2);
  private static final List<Activity> ACTIVITIES = List.of(Activity.HEART_RATE, Activity.STEPS);

  private LocalServers servers;
  private PipelineConfig config;
  private ObjectStore store;
  private int runs;

  @BeforeEach
  void freshWarehouse() throws Exception {
    servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    config = config("10", "raw-" + suffix, "lake-" + suffix);
    store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    Pipeline pipeline = pipeline(config);
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
  }

  private PipelineConfig config(String minValidHours, String raw, String lake) {
    return PipelineConfig.fromEnvironment(
            Map.of(
                "RAW_BUCKET", raw,
                "LAKE_BUCKET", lake,
                "RAW_PREFIX", "raw",
                "YIELD_MIN_VALID_HOURS", minValidHours))
        .withS3(
            servers.s3.endpoint(),
            new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
        .withWarehouse(servers.postgres.jdbcUrl(), servers.postgres.user(), "");
  }

  private static Pipeline pipeline(PipelineConfig c) throws Exception {
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    return new Pipeline(
        c,
        new S3ObjectStore(S3Clients.create(c)),
        log,
        Clock.systemUTC(),
        Files.createTempDirectory("work"));
  }

  private void run(PipelineConfig c) throws Exception {
    Pipeline pipeline = pipeline(c);
    RunId run = new RunId("yield-" + (++runs));
    for (Activity activity : ACTIVITIES) {
      pipeline.extractor().run(activity, WINDOW, run, false);
      pipeline.transformer().run(activity, WINDOW, run);
      pipeline.loader().run(activity, WINDOW, run);
    }
    pipeline.promoter().run(ACTIVITIES, WINDOW, run);
  }

  private void put(String user, String date, Activity activity, String json) {
    store.put(
        config.rawBucket(),
        "raw/" + user + "/" + date + "/" + activity.id() + ".json",
        json.getBytes(StandardCharsets.UTF_8));
  }

  /** user-date to "minutes|valid_hours|valid_day|steps|flags". */
  private Map<String, String> yieldRows() throws Exception {
    Map<String, String> rows = new TreeMap<>();
    try (Connection c = pipeline(config).warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT user_id, date, heart_rate_minutes, valid_hours, valid_day, steps, flags"
                    + " FROM fitbit.data_yield")) {
      while (rs.next()) {
        rows.put(
            rs.getString(1) + " " + rs.getString(2),
            rs.getInt(3)
                + "|"
                + rs.getInt(4)
                + "|"
                + rs.getBoolean(5)
                + "|"
                + rs.getString(6)
                + "|"
                + rs.getString(7));
      }
    }
    return rows;
  }

  /** A heart-rate file: one reading at each second in [0, 86400) that {@code at} accepts. */
  private static String heart(String date, String type, IntPredicate at) {
    List<String> points = new ArrayList<>();
    for (int second = 0; second < 86_400; second++) {
      if (at.test(second)) {
        points.add(
            "{\"time\":\"" + FitbitDayParser.formatTime(second) + "\",\"value\":" + 70 + "}");
      }
    }
    return "{\"activities-heart\":[{\"dateTime\":\""
        + date
        + "\",\"value\":{\"customHeartRateZones\":[],\"heartRateZones\":["
        + "{\"max\":94,\"min\":30,\"name\":\"Out of Range\"}],\"restingHeartRate\":60}}],"
        + "\"activities-heart-intraday\":{\"dataset\":["
        + String.join(",", points)
        + "],\"datasetInterval\":1,\"datasetType\":\""
        + type
        + "\"}}";
  }

  /** A steps file: minutes [0, minutes) with {@code value(minute)}, and the daily value. */
  private static String steps(String date, int minutes, IntUnaryOperator value, long daily) {
    List<String> points = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      points.add(
          "{\"time\":\""
              + FitbitDayParser.formatTime(m * 60)
              + "\",\"value\":"
              + value.applyAsInt(m)
              + "}");
    }
    return "{\"activities-steps\":[{\"dateTime\":\""
        + date
        + "\",\"value\":\""
        + daily
        + "\"}],\"activities-steps-intraday\":{\"dataset\":["
        + String.join(",", points)
        + "],\"datasetInterval\":1,\"datasetType\":\"minute\"}}";
  }

  /** Minute readings in the first {@code perHour} minutes of hours [0, hours), at second 0. */
  private static IntPredicate firstMinutes(int hours, int perHour) {
    return s -> s % 60 == 0 && s / 3600 < hours && (s / 60) % 60 < perHour;
  }

  @Test
  void yieldRulesOnHandMadeDays() throws Exception {
    // 1-second data: 00:00-12:29 at every second (12.5 h), and 13:00-13:28 once a minute at :30.
    put(
        "secs",
        DAY1,
        Activity.HEART_RATE,
        heart(
            DAY1,
            "second",
            s ->
                s < 12 * 3600 + 30 * 60
                    || (s >= 13 * 3600 && s < 13 * 3600 + 29 * 60 && s % 60 == 30)));
    put("secs", DAY1, Activity.STEPS, steps(DAY1, 1440, m -> 1, 1440));

    // Gaps at the boundaries: hours 0-9 with exactly 30 minutes (valid), hour 10 with 29 (not),
    // two readings in one minute count once; the daily steps differ from the intraday sum.
    put(
        "gaps",
        DAY1,
        Activity.HEART_RATE,
        heart(
            DAY1,
            "second",
            firstMinutes(10, 30)
                .or(s -> s / 3600 == 10 && (s / 60) % 60 < 29 && s % 60 == 0)
                .or(s -> s == 10 * 3600 + 30)));
    put("gaps", DAY1, Activity.STEPS, steps(DAY1, 1440, m -> m < 10 ? 9 : 0, 100));
    // Day 2: 9 valid hours and a tenth with 29 minutes; no steps file.
    put(
        "gaps",
        DAY2,
        Activity.HEART_RATE,
        heart(
            DAY2,
            "minute",
            firstMinutes(9, 30).or(s -> s % 60 == 0 && s / 3600 == 9 && (s / 60) % 60 < 29)));

    // A day that ends early: fetched at 14:00.
    put(
        "early",
        DAY1,
        Activity.HEART_RATE,
        heart(DAY1, "minute", s -> s % 60 == 0 && s < 14 * 3600));
    put("early", DAY1, Activity.STEPS, steps(DAY1, 14 * 60, m -> 2, 14 * 60 * 2));

    // Steps but no heart rate: an empty heart-rate dataset, and a day without a heart-rate file.
    put("noheart", DAY1, Activity.HEART_RATE, heart(DAY1, "minute", s -> false));
    put("noheart", DAY1, Activity.STEPS, steps(DAY1, 1440, m -> m % 100 == 0 ? 50 : 0, 750));
    put("noheart", DAY2, Activity.STEPS, steps(DAY2, 1440, m -> 0, 0));

    run(config);

    Map<String, String> expected = new TreeMap<>();
    expected.put("secs " + DAY1, (12 * 60 + 30 + 29) + "|13|true|1440|null");
    expected.put("gaps " + DAY1, (10 * 30 + 29) + "|10|true|90|daily_intraday_mismatch");
    expected.put("gaps " + DAY2, (9 * 30 + 29) + "|9|false|null|no_steps,partial_day");
    expected.put("early " + DAY1, (14 * 60) + "|14|true|1680|partial_day");
    expected.put("noheart " + DAY1, "0|0|false|750|steps_without_heart_rate");
    expected.put("noheart " + DAY2, "0|0|false|0|no_heart_rate");
    assertEquals(expected, yieldRows());

    // A rerun with a changed file and a late one: their user-days are recomputed, nothing else.
    put("early", DAY1, Activity.HEART_RATE, heart(DAY1, "minute", s -> s % 60 == 0));
    put("late", DAY2, Activity.STEPS, steps(DAY2, 1440, m -> 3, 3 * 1440));
    run(config);
    expected.put("early " + DAY1, "1440|24|true|1680|null");
    expected.put("late " + DAY2, "0|0|false|4320|steps_without_heart_rate");
    assertEquals(expected, yieldRows());

    // The threshold is a setting, recorded in the row when it is not the default.
    put(
        "gaps",
        DAY2,
        Activity.HEART_RATE,
        heart(
            DAY2,
            "minute",
            firstMinutes(9, 30)
                .or(s -> s % 60 == 0 && s / 3600 == 9 && (s / 60) % 60 < 29)
                .or(s -> s == 10 * 3600)));
    run(config("9", config.rawBucket(), config.lakeBucket()));
    expected.put(
        "gaps " + DAY2, (9 * 30 + 30) + "|9|true|null|no_steps,partial_day,min_valid_hours=9");
    assertEquals(expected, yieldRows());
  }

  @Test
  void aRebuildRecomputesAWindowFromProduction() throws Exception {
    put(
        "early",
        DAY1,
        Activity.HEART_RATE,
        heart(DAY1, "minute", s -> s % 60 == 0 && s < 14 * 3600));
    put("early", DAY1, Activity.STEPS, steps(DAY1, 14 * 60, m -> 2, 14 * 60 * 2));
    put("noheart", DAY2, Activity.STEPS, steps(DAY2, 1440, m -> 0, 0));
    run(config);
    Map<String, String> promoted = yieldRows();
    assertEquals(2, promoted.size());
    try (Connection c = pipeline(config).warehouse().connect();
        Statement s = c.createStatement()) {
      // As before migration V3 (no rows), plus a row of a user-day without production data.
      s.execute("DELETE FROM fitbit.data_yield");
      s.execute(
          "INSERT INTO fitbit.data_yield VALUES ('gone', DATE '"
              + DAY2
              + "', 5, 0, FALSE, 1, NULL)");
      assertEquals(2, new DataYield(10).rebuild(c, WINDOW));
    }
    assertEquals(promoted, yieldRows());
  }

  /**
   * The SQL against a computation in Java, on seeded random user-days written straight to the
   * production tables: readings every 5 seconds to every 3 minutes with random gaps, days that end
   * early, steps with and without heart rate, daily values that match or not, and days that only
   * another table (calories, the heart-rate daily row) holds. Every yield column and flag counts.
   */
  @Test
  void theSqlMatchesAnIndependentComputation() throws Exception {
    Random random = new Random(20261116L);
    List<String> days = List.of("2026-11-16", "2026-11-17", "2026-11-18");
    Map<String, Expected> expected9 = new TreeMap<>();
    Map<String, Expected> expected10 = new TreeMap<>();
    try (Connection c = pipeline(config).warehouse().connect();
        PreparedStatement hr =
            c.prepareStatement("INSERT INTO fitbit.heart_rate_intraday VALUES (?, ?, 70)");
        PreparedStatement steps =
            c.prepareStatement("INSERT INTO fitbit.steps_intraday VALUES (?, ?, ?)");
        PreparedStatement stepsDaily =
            c.prepareStatement("INSERT INTO fitbit.steps_daily VALUES (?, ?, ?)");
        PreparedStatement hrDaily =
            c.prepareStatement("INSERT INTO fitbit.heart_rate_daily VALUES (?, ?, 60)");
        PreparedStatement calories =
            c.prepareStatement(
                "INSERT INTO fitbit.calories_intraday VALUES (?, ?, 1.5, NULL, NULL)")) {
      for (int u = 0; u < 8; u++) {
        String user = "user" + u;
        for (String day : days) {
          LocalDate date = LocalDate.parse(day);
          // Kinds: 0 nothing or only the heart-rate daily row, 1 only calories, 2 steps only,
          // 3 heart rate only, 4-9 both.
          int kind = random.nextInt(10);
          // Heart rate: a reading every 5 s to 3 min, random gaps, maybe ending early.
          TreeSet<Integer> hrSeconds = new TreeSet<>();
          if (kind >= 3) {
            int step = List.of(5, 15, 60, 61, 180).get(random.nextInt(5));
            int end = random.nextBoolean() ? 86_400 : 3600 * (12 + random.nextInt(12));
            double keep = 0.3 + 0.7 * random.nextDouble();
            for (int second = random.nextInt(step); second < end; second += step) {
              if (random.nextDouble() < keep) {
                hrSeconds.add(second);
              }
            }
          }
          // Steps: one value a minute, zeros or not, maybe ending early.
          List<int[]> stepMinutes = new ArrayList<>();
          if (kind == 2 || kind >= 4) {
            int end = random.nextInt(4) == 0 ? 60 * (10 + random.nextInt(14)) : 1440;
            boolean zeros = random.nextInt(4) == 0;
            for (int m = 0; m < end; m++) {
              stepMinutes.add(new int[] {m, zeros ? 0 : random.nextInt(40)});
            }
          }
          long stepSum = stepMinutes.stream().mapToLong(v -> v[1]).sum();
          Long daily =
              stepMinutes.isEmpty() || random.nextInt(3) == 0
                  ? null
                  : (random.nextBoolean() ? stepSum : stepSum + 1 + random.nextInt(50));
          boolean onlyCalories = kind == 1;
          boolean onlyHrDaily = kind == 0 && random.nextBoolean();
          for (int second : hrSeconds) {
            hr.setString(1, user);
            hr.setObject(2, date.atStartOfDay().plusSeconds(second));
            hr.addBatch();
          }
          for (int[] minute : stepMinutes) {
            steps.setString(1, user);
            steps.setObject(2, date.atStartOfDay().plusMinutes(minute[0]));
            steps.setInt(3, minute[1]);
            steps.addBatch();
          }
          if (daily != null) {
            stepsDaily.setString(1, user);
            stepsDaily.setObject(2, date);
            stepsDaily.setLong(3, daily);
            stepsDaily.addBatch();
          }
          if (onlyCalories) {
            calories.setString(1, user);
            calories.setObject(2, date.atStartOfDay().plusHours(7));
            calories.addBatch();
          }
          if (onlyHrDaily) {
            hrDaily.setString(1, user);
            hrDaily.setObject(2, date);
            hrDaily.addBatch();
          }
          boolean any =
              !hrSeconds.isEmpty()
                  || !stepMinutes.isEmpty()
                  || daily != null
                  || onlyCalories
                  || onlyHrDaily;
          if (any) {
            Long intradaySteps = stepMinutes.isEmpty() ? null : stepSum;
            Integer stepsLast =
                stepMinutes.isEmpty() ? null : stepMinutes.get(stepMinutes.size() - 1)[0] * 60;
            expected10.put(
                user + " " + day, Expected.of(hrSeconds, intradaySteps, stepsLast, daily, 10));
            expected9.put(
                user + " " + day, Expected.of(hrSeconds, intradaySteps, stepsLast, daily, 9));
          }
        }
      }
      for (PreparedStatement s : List.of(hr, steps, stepsDaily, hrDaily, calories)) {
        s.executeBatch();
      }
      Window window = Window.dates(days.get(0), days.get(days.size() - 1));
      assertEquals(expected10.size(), new DataYield(10).rebuild(c, window));
      assertEquals(render(expected10), yieldRows());
      assertEquals(expected9.size(), new DataYield(9).rebuild(c, window));
      assertEquals(render(expected9), yieldRows());
    }
    // The seed gives every flag and both ways in and out of the filter.
    String all = String.join(" ", render(expected9).values());
    // Every flag but the last (min_valid_hours=N, which only a non-default threshold writes).
    List<String> expectedInRows = new ArrayList<>(DataYield.FLAGS.subList(0, 5));
    expectedInRows.addAll(List.of("|true|", "|false|"));
    for (String flag : expectedInRows) {
      assertTrue(all.contains(flag), flag + " in " + all);
    }
    assertTrue(expected9.size() < 8 * days.size(), "some user-days have no data at all");
  }

  private static Map<String, String> render(Map<String, Expected> rows) {
    Map<String, String> out = new TreeMap<>();
    rows.forEach((k, v) -> out.put(k, v.row()));
    return out;
  }

  /** One yield row computed from the readings, by the rules of the DataYield javadoc. */
  private record Expected(int minutes, int validHours, boolean validDay, Long steps, String flags) {
    static Expected of(
        TreeSet<Integer> hrSeconds,
        Long steps,
        Integer stepsLastSecond,
        Long daily,
        int minValidHours) {
      Map<Integer, Set<Integer>> minutesByHour = new TreeMap<>();
      for (int second : hrSeconds) {
        minutesByHour.computeIfAbsent(second / 3600, h -> new HashSet<>()).add(second / 60);
      }
      int minutes = minutesByHour.values().stream().mapToInt(Set::size).sum();
      int validHours =
          (int)
              minutesByHour.values().stream()
                  .filter(m -> m.size() >= DataYield.MINUTES_PER_VALID_HOUR)
                  .count();
      boolean noHeart = hrSeconds.isEmpty();
      Integer hrLast = noHeart ? null : hrSeconds.last();
      List<String> flags = new ArrayList<>();
      if (steps != null && steps > 0 && noHeart) {
        flags.add("steps_without_heart_rate");
      }
      if (noHeart && (steps == null || steps == 0)) {
        flags.add("no_heart_rate");
      }
      if (steps == null) {
        flags.add("no_steps");
      }
      if (daily != null && steps != null && !daily.equals(steps)) {
        flags.add("daily_intraday_mismatch");
      }
      int lateHour = 23 * 3600;
      if ((hrLast != null || stepsLastSecond != null)
          && (hrLast == null || hrLast < lateHour)
          && (stepsLastSecond == null || stepsLastSecond < lateHour)) {
        flags.add("partial_day");
      }
      if (minValidHours != DataYield.DEFAULT_MIN_VALID_HOURS) {
        flags.add("min_valid_hours=" + minValidHours);
      }
      return new Expected(
          minutes,
          validHours,
          validHours >= minValidHours,
          steps,
          flags.isEmpty() ? null : String.join(",", flags));
    }

    String row() {
      return minutes + "|" + validHours + "|" + validDay + "|" + steps + "|" + flags;
    }
  }

  @Test
  void theYieldSqlAvoidsWhatRedshiftLacks() {
    String sql = new DataYield(10).insertSql("days").toUpperCase(java.util.Locale.ROOT);
    for (String pgOnly :
        List.of(
            "::", "FILTER (", "GREATEST(", "LEAST(", "ON CONFLICT", "WITH ", "GENERATE_SERIES")) {
      assertFalse(sql.contains(pgOnly), pgOnly + " in " + sql);
    }
    assertFalse(sql.contains("MIN_VALID_HOURS="), "the default threshold is not flagged");
    assertTrue(new DataYield(8).insertSql("days").contains("',min_valid_hours=8'"));
  }

  @Test
  void theThresholdMustBeWholeHoursOfADay() {
    assertThrows(RuntimeException.class, () -> config("0", "r", "l"));
    assertThrows(RuntimeException.class, () -> config("ten", "r", "l"));
    assertTrue(config("24", "r", "l").minValidHours() == 24);
  }
}
