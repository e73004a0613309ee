package io.fitbitpipeline.core.activity;

import java.util.Arrays;
import java.util.Optional;

/**
 * The six Fitbit activities: the one definition that drives parsing, validation, Parquet schemas
 * and warehouse DDL. A seventh activity is one more constant here (plus its table shape in {@link
 * io.fitbitpipeline.core.warehouse.Tables} if it is not a plain value series).
 *
 * <p>Ranges are what is physically possible, not what is typical: a point outside them is a device
 * or transfer error. Per-minute maxima scale with the dataset interval (a 15-minute step count can
 * be fifteen times a 1-minute one); heart rate is a rate and does not scale.
 */
public enum Activity {
  HEART_RATE("heart_rate", "heart", ValueKind.INTEGER, ValueKind.INTEGER, 20, 250, false),
  CALORIES("calories", "calories", ValueKind.DECIMAL, ValueKind.DECIMAL, 0, 40, true),
  STEPS("steps", "steps", ValueKind.INTEGER, ValueKind.INTEGER, 0, 300, true),
  /** Kilometres (metric, the default Accept-Language); 1 km a minute is 60 km/h on foot. */
  DISTANCE("distance", "distance", ValueKind.DECIMAL, ValueKind.DECIMAL, 0, 1.0, true),
  FLOORS("floors", "floors", ValueKind.INTEGER, ValueKind.INTEGER, 0, 20, true),
  /** Metres or feet (the payload does not say which): 200 a minute covers both. */
  ELEVATION("elevation", "elevation", ValueKind.DECIMAL, ValueKind.DECIMAL, 0, 200, true);

  private final String id;
  private final String resource;
  private final ValueKind intradayKind;
  private final ValueKind dailyKind;
  private final double minValue;
  private final double maxValue;
  private final boolean perMinute;

  Activity(
      String id,
      String resource,
      ValueKind intradayKind,
      ValueKind dailyKind,
      double minValue,
      double maxValue,
      boolean perMinute) {
    this.id = id;
    this.resource = resource;
    this.intradayKind = intradayKind;
    this.dailyKind = dailyKind;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.perMinute = perMinute;
  }

  /** The name on the command line, in object keys ({activity}.json) and in table names. */
  public String id() {
    return id;
  }

  /** The Fitbit Web API resource: the JSON holds activities-{resource}[-intraday]. */
  public String resource() {
    return resource;
  }

  public String summaryField() {
    return "activities-" + resource;
  }

  public String intradayField() {
    return "activities-" + resource + "-intraday";
  }

  public ValueKind intradayKind() {
    return intradayKind;
  }

  public ValueKind dailyKind() {
    return dailyKind;
  }

  /** Calories points carry an activity level (0-3) and METs x 10. */
  public boolean hasLevelAndMets() {
    return this == CALORIES;
  }

  /** Heart rate's day summary holds zones and a resting rate instead of one value. */
  public boolean hasHeartRateZones() {
    return this == HEART_RATE;
  }

  public double minValue() {
    return minValue;
  }

  /** The largest possible value of one point of a dataset with the given interval. */
  public double maxValue(String datasetType, int datasetInterval) {
    if (!perMinute) {
      return maxValue;
    }
    int interval = Math.max(1, datasetInterval);
    double minutes = "second".equals(datasetType) ? Math.max(1.0, interval / 60.0) : interval;
    return maxValue * minutes;
  }

  public static Optional<Activity> fromId(String id) {
    return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
  }

  /**
   * The activity a raw file name (without .json) stands for: its id ({@code heart_rate.json}) or
   * its Fitbit resource name ({@code heart.json}, as archives named after the API call have it).
   */
  public static Optional<Activity> fromFileName(String name) {
    return fromId(name)
        .or(() -> Arrays.stream(values()).filter(a -> a.resource.equals(name)).findFirst());
  }

  public static Activity parse(String id) {
    return fromId(id)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown activity '"
                        + id
                        + "'; expected one of "
                        + Arrays.stream(values()).map(Activity::id).toList()));
  }

  @Override
  public String toString() {
    return id;
  }
}
