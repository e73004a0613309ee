package io.fitbitpipeline.core.lakehouse.sim;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link StreamSimulator} planted, so tests and the demo can state their expectations. Maps
 * keyed by topic hold the three topics ({@code user_info}, {@code workout}, {@code bpm}), in that
 * order, also when the count is 0.
 *
 * @param seed the simulator's seed
 * @param users number of registered users (user ids 12140.., device ids 103001..)
 * @param start first instant of the span
 * @param end end of the span (exclusive): every record's event time is before it
 * @param bpmPerMinute readings per device and minute
 * @param records every record produced, per topic: valid, invalid, duplicated and late ones
 * @param invalid invalid records per topic (they become silver.rejected_records)
 * @param invalidKinds invalid records per kind, all topics together: {@code not_json}, {@code
 *     json_array}, {@code missing_field}, {@code string_number}, {@code unknown_update_type},
 *     {@code unknown_action}
 * @param duplicates extra exact copies (same topic, key and value as a record sent earlier:
 *     producer retries), per topic
 * @param outOfOrder records sent after a record with a later event time of the same user
 *     (user_info, workout) or device (bpm), late ones and duplicates not included, per topic
 * @param late records sent at the very end of the stream, hours after their event time, per topic
 * @param exponentNumbers valid records holding a number in exponent form ({@code 1.125e2})
 * @param profileNews valid {@code new} user_info records (one per user, plus re-created users)
 * @param profileUpdates valid {@code update} records, the late one included, duplicates not
 * @param profileDeletes valid {@code delete} records (the orphan delete included)
 * @param sameTimestampUpdates pairs of updates of one user with the same timestamp (the later sent
 *     gives the values)
 * @param deletedUsers users with a delete, in id order (re-created ones and the orphan included)
 * @param recreatedUsers users deleted and later re-created with a {@code new}
 * @param orphanDeletes deletes of a user id that never had a profile ({@link
 *     StreamSimulator#ORPHAN_USER_ID})
 * @param userProfileRows expected silver.user_profile rows
 * @param userProfileHistoryRows expected silver.user_profile_history rows
 * @param workoutSessions sessions started (distinct (user_id, workout_id, session_id))
 * @param workoutRows expected silver.workouts rows (starts plus stops)
 * @param completedWorkouts expected silver.completed_workouts rows
 * @param longWorkouts sessions whose stop is 3 hours or more after the start (never completed)
 * @param unfinishedWorkouts sessions whose stop is never sent
 * @param stopsBeforeStarts sessions whose stop is sent before their start
 * @param duplicatedStarts start records sent twice
 * @param bpmReadings distinct readings, (device_id, time): expected silver.heart_rate rows
 * @param outOfRangeReadings readings outside 20..250 (heart_rate rows with valid = false)
 * @param registrationRows data rows of registrationsCsv()
 * @param repeatedRegistrations rows of users registered a second time (later, another device)
 * @param gymRows parseable data rows of gymLoginsCsv()
 * @param gymVisits distinct (mac_address, gym, login): expected silver.gym_logs rows
 * @param gymDuplicateRows rows repeating a visit's key with another logout (the greater comes
 *     first)
 * @param gymInvalidRows data rows of gymLoginsCsv() that do not parse
 * @param gymVisitsWithWorkout visits during which a completed workout of the user starts
 * @param gymVisitsWithoutWorkout visits without a completed workout starting in them
 * @param midnightVisits visits whose workout starts on the UTC day after the login
 * @param gymSummaryRows expected gold.gym_summary rows
 * @param planted where each special case was planted, for people reading a demo
 */
public record SimulationPlan(
    long seed,
    int users,
    Instant start,
    Instant end,
    double bpmPerMinute,
    Map<String, Long> records,
    Map<String, Integer> invalid,
    Map<String, Integer> invalidKinds,
    Map<String, Integer> duplicates,
    Map<String, Integer> outOfOrder,
    Map<String, Integer> late,
    int exponentNumbers,
    int profileNews,
    int profileUpdates,
    int profileDeletes,
    int sameTimestampUpdates,
    List<Long> deletedUsers,
    List<Long> recreatedUsers,
    int orphanDeletes,
    int userProfileRows,
    int userProfileHistoryRows,
    int workoutSessions,
    int workoutRows,
    int completedWorkouts,
    int longWorkouts,
    int unfinishedWorkouts,
    int stopsBeforeStarts,
    int duplicatedStarts,
    long bpmReadings,
    int outOfRangeReadings,
    int registrationRows,
    int repeatedRegistrations,
    int gymRows,
    int gymVisits,
    int gymDuplicateRows,
    int gymInvalidRows,
    int gymVisitsWithWorkout,
    int gymVisitsWithoutWorkout,
    int midnightVisits,
    int gymSummaryRows,
    Map<String, String> planted) {

  public SimulationPlan {
    records = frozen(records);
    invalid = frozen(invalid);
    invalidKinds = frozen(invalidKinds);
    duplicates = frozen(duplicates);
    outOfOrder = frozen(outOfOrder);
    late = frozen(late);
    deletedUsers = List.copyOf(deletedUsers);
    recreatedUsers = List.copyOf(recreatedUsers);
    planted = frozen(planted);
  }

  /** Every record of the stream, all topics. */
  public long totalRecords() {
    return records.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Invalid records, all topics. */
  public int totalInvalid() {
    return invalid.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A few lines for a demo's log: the counts and where the special cases are. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("simulation seed=")
        .append(seed)
        .append(" users=")
        .append(users)
        .append(" span=")
        .append(start)
        .append("..")
        .append(end)
        .append(" bpm/min=")
        .append(bpmPerMinute)
        .append('\n');
    sb.append("records ")
        .append(records)
        .append(" invalid ")
        .append(invalid)
        .append(" duplicates ")
        .append(duplicates)
        .append(" out-of-order ")
        .append(outOfOrder)
        .append(" late ")
        .append(late)
        .append('\n');
    sb.append("profiles: new=")
        .append(profileNews)
        .append(" update=")
        .append(profileUpdates)
        .append(" delete=")
        .append(profileDeletes)
        .append(" -> user_profile=")
        .append(userProfileRows)
        .append(" user_profile_history=")
        .append(userProfileHistoryRows)
        .append('\n');
    sb.append("workouts: sessions=")
        .append(workoutSessions)
        .append(" completed=")
        .append(completedWorkouts)
        .append(" >3h=")
        .append(longWorkouts)
        .append(" unfinished=")
        .append(unfinishedWorkouts)
        .append('\n');
    sb.append("bpm: readings=")
        .append(bpmReadings)
        .append(" out-of-range=")
        .append(outOfRangeReadings)
        .append('\n');
    sb.append("gym: visits=")
        .append(gymVisits)
        .append(" with workout=")
        .append(gymVisitsWithWorkout)
        .append(" gym_summary=")
        .append(gymSummaryRows)
        .append(" invalid rows=")
        .append(gymInvalidRows)
        .append('\n');
    planted.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  private static <K, V> Map<K, V> frozen(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
