package io.fitbitpipeline.core.lake;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.format.IsoDate;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The raw bucket's layout: {prefix}/{user_id}/{yyyy-MM-dd}/{activity}.json, where {activity} is the
 * activity's id or its Fitbit resource name (heart.json for heart_rate). It tells which activity a
 * key belongs to and whether the key fits the layout.
 */
public final class RawLayout {
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String prefix;

  /**
   * @param prefix the raw prefix without slashes at either end; empty for the bucket root
   */
  public RawLayout(String prefix) {
    String trimmed = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    this.prefix = trimmed.isEmpty() ? "" : trimmed + "/";
  }

  public String listPrefix() {
    return prefix;
  }

  public String keyOf(String userId, LocalDate date, Activity activity) {
    return prefix + userId + "/" + date + "/" + activity.id() + ".json";
  }

  /** The outcome of reading one key. */
  public sealed interface Parsed permits Fits, Misfit, NotOurs {}

  /** The key fits the layout. */
  public record Fits(RawFile file) implements Parsed {}

  /**
   * The key names an activity's file but breaks the layout; {@code date} is set when the key has a
   * readable date, so the file can be placed in a window.
   */
  public record Misfit(StoredObject object, Activity activity, LocalDate date, String reason)
      implements Parsed {}

  /**
   * The key names no activity's file (another Fitbit resource, a README): not ours to judge. User
   * and date are set when the key has the layout's shape, so a run can say that its window holds
   * files it does not recognise.
   */
  public record NotOurs(StoredObject object, String userId, LocalDate date) implements Parsed {}

  private static NotOurs notOurs(StoredObject object, String[] parts) {
    if (parts.length == 3) {
      try {
        return new NotOurs(object, parts[0], LocalDate.parse(parts[1]));
      } catch (DateTimeParseException e) {
        // No readable date: in no window.
      }
    }
    return new NotOurs(object, null, null);
  }

  /**
   * Whether the key names the activity by its id ({@code heart_rate.json}) rather than by its
   * Fitbit resource name ({@code heart.json}); when a user-day has both, the id's file wins.
   */
  public static boolean namedById(RawFile file) {
    return file.key().endsWith("/" + file.activity().id() + ".json");
  }

  public Parsed parse(StoredObject object) {
    String key = object.key();
    if (!key.startsWith(prefix)) {
      return new NotOurs(object, null, null);
    }
    String[] parts = key.substring(prefix.length()).split("/", -1);
    String fileName = parts[parts.length - 1];
    Optional<Activity> activity =
        fileName.endsWith(".json")
            ? Activity.fromFileName(fileName.substring(0, fileName.length() - ".json".length()))
            : Optional.empty();
    if (activity.isEmpty()) {
      return notOurs(object, parts);
    }
    if (parts.length != 3) {
      return new Misfit(
          object,
          activity.get(),
          null,
          "key does not fit {user_id}/{yyyy-MM-dd}/{activity}.json under '" + prefix + "'");
    }
    LocalDate date;
    try {
      date = IsoDate.parse(parts[1]);
    } catch (DateTimeParseException e) {
      return new Misfit(
          object,
          activity.get(),
          null,
          "date folder '" + LakeLayout.printable(parts[1]) + "' is not yyyy-MM-dd");
    }
    if (!USER_ID.matcher(parts[0]).matches()) {
      return new Misfit(
          object,
          activity.get(),
          date,
          "user_id '"
              + LakeLayout.printable(parts[0])
              + "' is not 1-64 characters of [A-Za-z0-9_-]");
    }
    return new Fits(new RawFile(key, object.etag(), object.size(), parts[0], date, activity.get()));
  }
}
