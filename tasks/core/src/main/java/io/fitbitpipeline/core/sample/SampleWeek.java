package io.fitbitpipeline.core.sample;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.run.Window;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * A deterministic, realistic week of Fitbit Web API responses for 20 users and all six activities,
 * laid out as the raw bucket is ({user_id}/{yyyy-MM-dd}/{activity}.json), with the quirks of real
 * archives and some broken files. The same window always gives the same bytes.
 *
 * <p>What is planted where (day N is the Nth day of the window, from 0):
 *
 * <ul>
 *   <li>user03: every file starts with a UTF-8 byte-order mark
 *   <li>user04 day 1 calories: empty summary array (the date comes from the key)
 *   <li>user05: legacy flat heart form (API 1.1) every day
 *   <li>user06 last day: fetched mid-day, every dataset ends at 14:00
 *   <li>user07 day 2 steps: a missing block, so the intraday sum differs from the daily value
 *   <li>user08 day 3 steps: a Fitbit error body (rate limit) instead of data: quarantined
 *   <li>user09 day 4 heart_rate: truncated upload: quarantined
 *   <li>user10 day 5 floors: holds the steps resource: quarantined
 *   <li>user11 day 0 distance: summary dateTime of another day: quarantined
 *   <li>user12 day 1 steps: null, string, bad-time, negative and out-of-range points (rejected),
 *       and a repeated time (duplicate, the last wins)
 *   <li>user13 day 2 heart_rate: a 300 bpm reading (rejected)
 *   <li>user14 day 0 heart_rate: no restingHeartRate; day 1: no data (zones without minutes)
 *   <li>user15 day 0 heart_rate: a custom heart-rate zone
 *   <li>user19, user20: 1-second heart rate (a reading every 5-15 s, off-wrist gaps)
 *   <li>extra keys: an invalid user id and an invalid date folder (quarantined), and a sleep.json
 *       that is not one of the six activities (ignored)
 * </ul>
 */
public final class SampleWeek {
  public static final int USERS = 20;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private SampleWeek() {}

  /** Object keys relative to the raw prefix, to file content. */
  public static Map<String, byte[]> generate(Window window) {
    return generate(window, USERS, u -> u >= 19, true);
  }

  /**
   * A week of any size (the benchmark's): {@code users} users, those for which {@code secondHeart}
   * holds with 1-second heart data; without {@code quirks} every file is valid and plain (no
   * byte-order marks, legacy forms, rejects or broken files), so other tools can convert the same
   * files and must find the same rows.
   */
  public static Map<String, byte[]> generate(
      Window window, int users, IntPredicate secondHeart, boolean quirks) {
    Map<String, byte[]> files = new TreeMap<>();
    for (int u = 1; u <= users; u++) {
      String user = String.format(Locale.ROOT, "user%02d", u);
      // Quirks are planted by user number; 0 is no user, so without quirks none matches.
      int q = quirks ? u : 0;
      boolean seconds = secondHeart.test(u);
      for (int d = 0; d < window.days(); d++) {
        LocalDate date = window.from().plusDays(d);
        boolean lastDay = d == window.days() - 1;
        Random random = new Random(31L * u + 7919L * date.toEpochDay());
        DayPlan plan = new DayPlan(random, q == 6 && lastDay ? 14 * 60 : 1440);
        for (Activity activity : Activity.values()) {
          String json = render(activity, user, q, d, date, plan, random, seconds);
          byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
          if (q == 3) {
            byte[] withBom = new byte[bytes.length + 3];
            System.arraycopy(BOM, 0, withBom, 0, 3);
            System.arraycopy(bytes, 0, withBom, 3, bytes.length);
            bytes = withBom;
          }
          if (q == 9 && d == 4 && activity == Activity.HEART_RATE) {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
          }
          files.put(user + "/" + date + "/" + activity.id() + ".json", bytes);
        }
      }
    }
    if (!quirks) {
      return files;
    }
    LocalDate first = window.from();
    String steps = new String(files.get("user01/" + first + "/steps.json"), StandardCharsets.UTF_8);
    files.put("bad user!/" + first + "/steps.json", steps.getBytes(StandardCharsets.UTF_8));
    files.put(
        "user02/" + first.toString().replace("-", "") + "/steps.json",
        steps.getBytes(StandardCharsets.UTF_8));
    files.put("user01/" + first + "/sleep.json", "{\"sleep\":[]}".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /** One user-day's minute-level behaviour, shared by the activities so they agree. */
  private static final class DayPlan {
    final int minutes;
    final int[] steps = new int[1440];
    final int[] floors = new int[1440];
    final int[] heart = new int[1440];
    final boolean[] worn = new boolean[1440];
    final int resting;

    DayPlan(Random random, int minutes) {
      this.minutes = minutes;
      this.resting = 52 + random.nextInt(16);
      int wake = 360 + random.nextInt(90);
      int sleep = 1320 + random.nextInt(90);
      int offStart = 600 + random.nextInt(400);
      int offEnd = offStart + 20 + random.nextInt(60);
      for (int m = 0; m < 1440; m++) {
        boolean awake = m >= wake && m < Math.min(sleep, 1440);
        int s = 0;
        if (awake && random.nextInt(100) < 35) {
          s = random.nextInt(100) < 15 ? 80 + random.nextInt(60) : random.nextInt(40);
        }
        steps[m] = s;
        floors[m] = s > 100 && random.nextInt(10) == 0 ? 1 : 0;
        worn[m] = m < offStart || m >= offEnd;
        heart[m] = resting + (awake ? 8 + random.nextInt(10) : random.nextInt(5)) + s / 3;
      }
    }
  }

  private static String render(
      Activity activity,
      String user,
      int u,
      int d,
      LocalDate date,
      DayPlan plan,
      Random random,
      boolean seconds) {
    if (activity == Activity.STEPS && u == 8 && d == 3) {
      return "{\"errors\":[{\"errorType\":\"system\",\"fieldName\":\"n/a\","
          + "\"message\":\"Too Many Requests\"}],\"success\":false}";
    }
    if (activity == Activity.FLOORS && u == 10 && d == 5) {
      return activitySeries(Activity.STEPS, date, plan, u, d);
    }
    if (activity == Activity.HEART_RATE) {
      return heart(date, plan, u, d, random, seconds);
    }
    String json = activitySeries(activity, date, plan, u, d);
    if (activity == Activity.DISTANCE && u == 11 && d == 0) {
      json =
          json.replace(
              "\"dateTime\":\"" + date + "\"", "\"dateTime\":\"" + date.plusDays(1) + "\"");
    }
    return json;
  }

  private static String activitySeries(
      Activity activity, LocalDate date, DayPlan plan, int u, int d) {
    StringBuilder points = new StringBuilder();
    double daily = 0;
    for (int m = 0; m < plan.minutes; m++) {
      double value;
      String extra = "";
      switch (activity) {
        case STEPS -> value = plan.steps[m];
        case FLOORS -> value = plan.floors[m];
        case DISTANCE -> value = round(plan.steps[m] * 0.000762, 6);
        case ELEVATION -> value = round(plan.floors[m] * 3.048, 3);
        case CALORIES -> {
          value = 1.1857000589370728 + plan.steps[m] * 0.045;
          int level = plan.steps[m] == 0 ? 0 : plan.steps[m] < 40 ? 1 : plan.steps[m] < 100 ? 2 : 3;
          int mets = 10 + plan.steps[m] / 4;
          extra = "\"level\":" + level + ",\"mets\":" + mets + ",";
        }
        default -> throw new IllegalArgumentException(activity.id());
      }
      daily += value;
      if (activity == Activity.STEPS && u == 7 && d == 2 && m >= 600 && m < 720) {
        continue;
      }
      if (points.length() > 0) {
        points.append(',');
      }
      points
          .append('{')
          .append(extra)
          .append("\"time\":\"")
          .append(FitbitDayParser.formatTime(m * 60))
          .append("\",\"value\":")
          .append(number(activity, value))
          .append('}');
    }
    if (activity == Activity.STEPS && u == 12 && d == 1) {
      points
          .append(",{\"time\":\"23:59:00\",\"value\":null}")
          .append(",{\"time\":\"23:58:00\",\"value\":\"abc\"}")
          .append(",{\"time\":\"25:00:00\",\"value\":3}")
          .append(",{\"time\":\"23:57:00\",\"value\":-5}")
          .append(",{\"time\":\"23:56:00\",\"value\":5000}")
          .append(",{\"time\":\"08:00:00\",\"value\":42}");
    }
    String summary =
        activity == Activity.CALORIES && u == 4 && d == 1
            ? "[]"
            : "[{\"dateTime\":\"" + date + "\",\"value\":\"" + dailyText(activity, daily) + "\"}]";
    return "{\""
        + activity.summaryField()
        + "\":"
        + summary
        + ",\""
        + activity.intradayField()
        + "\":{\"dataset\":["
        + points
        + "],\"datasetInterval\":1,\"datasetType\":\"minute\"}}";
  }

  private static String heart(
      LocalDate date, DayPlan plan, int u, int d, Random random, boolean seconds) {
    StringBuilder points = new StringBuilder();
    boolean noData = u == 14 && d == 1;
    int[] zoneMinutes = new int[4];
    int[] bounds = {30, 94, 132, 160, 220};
    if (!noData) {
      if (seconds) {
        for (int s = random.nextInt(10); s < plan.minutes * 60; s += 5 + random.nextInt(11)) {
          int m = s / 60;
          if (plan.worn[m]) {
            append(points, s, plan.heart[m] + random.nextInt(3) - 1);
          }
        }
      } else {
        for (int m = 0; m < plan.minutes; m++) {
          if (plan.worn[m]) {
            int bpm = u == 13 && d == 2 && m == 700 ? 300 : plan.heart[m];
            append(points, m * 60, bpm);
            zoneMinutes[zone(bpm, bounds)]++;
          }
        }
      }
    }
    String[] names = {"Out of Range", "Fat Burn", "Cardio", "Peak"};
    StringBuilder zones = new StringBuilder();
    for (int z = 0; z < 4; z++) {
      if (z > 0) {
        zones.append(',');
      }
      zones.append('{');
      if (!noData) {
        zones.append("\"caloriesOut\":").append(round(zoneMinutes[z] * (1.2 + z), 5)).append(',');
      }
      zones.append("\"max\":").append(bounds[z + 1]).append(",\"min\":").append(bounds[z]);
      if (!noData) {
        zones.append(",\"minutes\":").append(zoneMinutes[z]);
      }
      zones.append(",\"name\":\"").append(names[z]).append("\"}");
    }
    String custom =
        u == 15 && d == 0
            ? "{\"caloriesOut\":12.5,\"max\":150,\"min\":120,\"minutes\":14,\"name\":\"Tempo run\"}"
            : "";
    String intraday =
        ",\"activities-heart-intraday\":{\"dataset\":["
            + points
            + "],\"datasetInterval\":1,\"datasetType\":\""
            + (seconds ? "second" : "minute")
            + "\"}}";
    if (u == 5) {
      return "{\"activities-heart\":[{\"customHeartRateZones\":[],\"dateTime\":\""
          + date
          + "\",\"heartRateZones\":["
          + zones
          + "],\"value\":\""
          + (plan.resting + 3)
          + ".44\"}]"
          + intraday;
    }
    boolean resting = !noData && !(u == 14 && d == 0);
    return "{\"activities-heart\":[{\"dateTime\":\""
        + date
        + "\",\"value\":{\"customHeartRateZones\":["
        + custom
        + "],\"heartRateZones\":["
        + zones
        + "]"
        + (resting ? ",\"restingHeartRate\":" + plan.resting : "")
        + "}}]"
        + intraday;
  }

  private static int zone(int bpm, int[] bounds) {
    for (int z = 3; z > 0; z--) {
      if (bpm >= bounds[z]) {
        return z;
      }
    }
    return 0;
  }

  private static void append(StringBuilder points, int second, int bpm) {
    if (points.length() > 0) {
      points.append(',');
    }
    points
        .append("{\"time\":\"")
        .append(FitbitDayParser.formatTime(second))
        .append("\",\"value\":")
        .append(bpm)
        .append('}');
  }

  private static String number(Activity activity, double value) {
    return activity == Activity.STEPS || activity == Activity.FLOORS
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  private static String dailyText(Activity activity, double daily) {
    return switch (activity) {
      case STEPS, FLOORS -> Long.toString(Math.round(daily));
      case CALORIES -> Long.toString(Math.round(daily));
      default -> Double.toString(round(daily, 4));
    };
  }

  private static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }
}
