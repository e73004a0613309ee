package io.fitbitpipeline.core.lakehouse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks the simulator against LAKEHOUSE_FORMAT.md with an independent reading of its output: every
 * count of the plan is recomputed from the records and CSV text themselves.
 */
class StreamSimulatorTest {
  private static final Instant START = Instant.parse("2025-11-16T06:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
  private static final String[] BANDS = {
    "under 18", "18-25", "25-35", "35-45", "45-55", "55-65", "65-75", "75-85", "85-95", "95+"
  };

  @Test
  void sameArgumentsGiveTheSameOutput() {
    StreamSimulator a = new StreamSimulator(7, 8, START, Duration.ofHours(6), 12);
    StreamSimulator b = new StreamSimulator(7, 8, START, Duration.ofHours(6), 12);
    List<SimulatedRecord> records = a.records();
    assertTrue(records.size() > 8 * 6 * 60 * 12 * 0.9, "records: " + records.size());
    assertEquals(records, b.records());
    assertEquals(records, a.records(), "a second run of the same simulator");
    assertEquals(a.registrationsCsv(), b.registrationsCsv());
    assertEquals(a.gymLoginsCsv(), b.gymLoginsCsv());
    assertEquals(a.plan(), b.plan());
  }

  @Test
  void anotherSeedGivesAnotherOutput() {
    StreamSimulator a = new StreamSimulator(7, 8, START, Duration.ofHours(6), 12);
    StreamSimulator b = new StreamSimulator(8, 8, START, Duration.ofHours(6), 12);
    assertNotEquals(a.records(), b.records());
    assertNotEquals(a.registrationsCsv(), b.registrationsCsv());
    assertNotEquals(a.gymLoginsCsv(), b.gymLoginsCsv());
  }

  @Test
  void aDayOfRecordsFollowsTheContractAndThePlan() {
    StreamSimulator sim = new StreamSimulator(42, 24, START, Duration.ofDays(1), 6);
    SimulationPlan plan = sim.plan();
    Observed o = observe(sim);
    assertMatchesPlan(plan, o);

    // everything the brief asks to plant is there, in a day of 24 users
    assertEquals(Map.of("user_info", 5, "workout", 5, "bpm", 4), o.invalid);
    for (String kind :
        List.of(
            "not_json",
            "json_array",
            "missing_field",
            "string_number",
            "unknown_update_type",
            "unknown_action")) {
      assertTrue(o.invalidKinds.getOrDefault(kind, 0) >= 1, kind);
    }
    assertTrue(o.duplicates.get("user_info") >= 1);
    assertEquals(1, o.duplicatedStarts);
    assertTrue(o.duplicates.get("bpm") >= 20, "a burst of re-sent readings");
    assertEquals(1, o.stopsBeforeStarts);
    assertEquals(1, o.longWorkouts());
    assertEquals(1, o.unfinishedWorkouts());
    assertTrue(o.outOfOrder.get("bpm") >= 4);
    assertTrue(o.late.get("bpm") >= 20, "late readings: " + o.late);
    assertEquals(1, o.late.get("user_info"));
    assertEquals(1, o.exponent);
    assertTrue(o.outOfRange >= 2);
    assertTrue(o.updates >= 3);
    assertTrue(plan.deletedUsers().size() >= 2);
    assertEquals(1, plan.recreatedUsers().size());
    assertEquals(1, plan.orphanDeletes());
    assertEquals(1, plan.sameTimestampUpdates());
    assertTrue(o.completedWorkouts() >= 24, "completed: " + o.completedWorkouts());

    // every age band of the gold table occurs at the span's start
    LocalDate day = LocalDate.ofInstant(START, ZoneOffset.UTC);
    Set<String> bands = new TreeSet<>();
    for (LocalDate dob : o.dobs.values()) {
      bands.add(band(Period.between(dob, day).getYears()));
    }
    assertEquals(new TreeSet<>(List.of(BANDS)), bands);

    // the rate: distinct readings per device and minute, from its first reading
    double minutes = 0;
    long readings = 0;
    for (Map.Entry<Long, TreeMap<Long, Double>> e : o.readings.entrySet()) {
      minutes += (plan.end().toEpochMilli() - e.getValue().firstKey()) / 60_000.0;
      readings += e.getValue().size();
    }
    assertEquals(24, o.readings.size());
    assertEquals(6.0, readings / minutes, 6.0 * 0.02, "readings per minute");

    // heart rate: raised during workouts, resting outside them
    int inWorkout = 0;
    int resting = 0;
    for (Map.Entry<Long, TreeMap<Long, Double>> e : o.readings.entrySet()) {
      long user = o.userOfDevice.get(e.getKey());
      List<long[]> sessions = o.sessionsOf(user);
      for (Map.Entry<Long, Double> r : e.getValue().entrySet()) {
        double hr = r.getValue();
        if (hr < 20 || hr > 250) {
          continue;
        }
        String where = "device " + e.getKey() + " at " + Instant.ofEpochMilli(r.getKey());
        if (inWorkout(sessions, r.getKey())) {
          assertTrue(hr >= 110 && hr <= 170, hr + " during a workout, " + where);
          inWorkout++;
        } else if (!maybeInWorkout(sessions, r.getKey())) {
          assertTrue(hr >= 55 && hr <= 85, hr + " at rest, " + where);
          resting++;
        }
      }
    }
    assertTrue(inWorkout > 1_000 && resting > 100_000, inWorkout + " / " + resting);

    // users start sending after their profile exists
    for (Map.Entry<Long, Long> e : o.firstNew.entrySet()) {
      long user = e.getKey();
      long device = o.deviceOfUser.get(user);
      assertTrue(e.getValue() <= o.readings.get(device).firstKey(), "user " + user);
      for (long[] s : o.sessionsOf(user)) {
        assertTrue(e.getValue() <= s[0], "user " + user);
      }
    }
  }

  @Test
  void smallLongAndFastConfigurationsAgreeWithTheirPlans() {
    assertMatchesPlan(
        new StreamSimulator(1, 1, START, Duration.ofHours(6), 12).plan(),
        observe(new StreamSimulator(1, 1, START, Duration.ofHours(6), 12)));
    StreamSimulator fast = new StreamSimulator(2, 3, START, Duration.ofHours(5), 30);
    assertMatchesPlan(fast.plan(), observe(fast));
    StreamSimulator days =
        new StreamSimulator(3, 12, Instant.parse("2025-11-16T00:00:00Z"), Duration.ofDays(3), 1);
    Observed o = observe(days);
    assertMatchesPlan(days.plan(), o);
    assertEquals(1, o.midnightVisits, "the span starts at midnight");
    StreamSimulator silent = new StreamSimulator(4, 5, START, Duration.ofHours(8), 0);
    Observed quiet = observe(silent);
    assertMatchesPlan(silent.plan(), quiet);
    assertEquals(4, quiet.invalid.get("bpm"), "bpm then holds only the invalid records");
  }

  @Test
  void registrationsFollowTheContract() {
    StreamSimulator sim = new StreamSimulator(42, 100, START, Duration.ofDays(1), 0);
    String csv = sim.registrationsCsv();
    assertTrue(csv.startsWith("user_id,device_id,mac_address,registration_timestamp\n"));
    assertTrue(csv.endsWith("\n"));
    List<String> rows = csv.lines().skip(1).toList();
    assertEquals(sim.plan().registrationRows(), rows.size());
    Map<Long, List<String[]>> byUser = new LinkedHashMap<>();
    Set<String> macs = new HashSet<>();
    Set<Long> devices = new HashSet<>();
    boolean repeatReadFirst = false;
    for (String row : rows) {
      String[] f = row.split(",", -1);
      assertEquals(4, f.length, row);
      long user = Long.parseLong(f[0]);
      assertTrue(devices.add(Long.parseLong(f[1])), "one user per device: " + row);
      assertTrue(MAC.matcher(f[2]).matches(), row);
      assertTrue(macs.add(f[2]), "one device per MAC: " + row);
      assertTrue(Long.parseLong(f[3]) < START.getEpochSecond(), "registered before the span");
      List<String[]> mine = byUser.computeIfAbsent(user, u -> new ArrayList<>());
      if (!mine.isEmpty() && Long.parseLong(f[3]) < Long.parseLong(mine.get(0)[3])) {
        repeatReadFirst = true; // the row read first is not the user's earliest registration
      }
      mine.add(f);
    }
    assertEquals(100, byUser.size());
    for (long u = 12140; u < 12240; u++) {
      assertTrue(byUser.containsKey(u), "user " + u);
    }
    int repeated = 0;
    for (Map.Entry<Long, List<String[]>> e : byUser.entrySet()) {
      List<String[]> regs = e.getValue();
      // the earliest registration is the user's device 103001+i
      assertEquals(Long.toString(e.getKey() - 12140 + 103001), earliest(regs)[1]);
      if (regs.size() > 1) {
        assertEquals(2, regs.size());
        assertNotEquals(regs.get(0)[1], regs.get(1)[1], "another device");
        repeated++;
      }
    }
    assertEquals(sim.plan().repeatedRegistrations(), repeated);
    assertTrue(repeated >= 2);
    assertTrue(repeatReadFirst, "a repeat is read before the user's first registration");
  }

  @Test
  void aFullDayOfAHundredDevicesStreamsInSeconds() {
    long t0 = System.nanoTime();
    StreamSimulator sim = new StreamSimulator(42, 100, START, Duration.ofDays(1), 12);
    long[] counts = new long[3];
    sim.generate(
        r -> counts[StreamSimulator.TOPICS.indexOf(r.topic())] += r.value().isEmpty() ? 0 : 1);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "StreamSimulator: 100 users x 1 day x 12 bpm/min: %d records in %.2f s%n",
        counts[0] + counts[1] + counts[2], seconds);
    SimulationPlan plan = sim.plan();
    assertEquals(plan.records().get("user_info"), counts[0]);
    assertEquals(plan.records().get("workout"), counts[1]);
    assertEquals(plan.records().get("bpm"), counts[2]);
    assertEquals(100 * 1440 * 12, plan.bpmReadings(), 100 * 1440 * 12 * 0.01);
    assertTrue(seconds < 30, "took " + seconds + " s");
  }

  @Test
  void rejectsImpossibleArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new StreamSimulator(1, 0, START, Duration.ofDays(1), 12));
    assertThrows(
        IllegalArgumentException.class, () -> new StreamSimulator(1, 5, START, Duration.ZERO, 12));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StreamSimulator(1, 5, START, Duration.ofDays(1), -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StreamSimulator(1, 5, START, Duration.ofDays(1), Double.NaN));
  }

  // ------------------------------------------------------------------ the independent reading

  /** Compares everything a plan states with what the output really holds. */
  private static void assertMatchesPlan(SimulationPlan plan, Observed o) {
    assertEquals(plan.records(), o.records, "records per topic");
    assertEquals(plan.invalid(), o.invalid, "invalid records per topic");
    assertEquals(plan.invalidKinds(), o.invalidKinds, "invalid records per kind");
    assertEquals(plan.duplicates(), o.duplicates, "exact duplicates per topic");
    assertEquals(plan.outOfOrder(), o.outOfOrder, "out-of-order records per topic");
    assertEquals(plan.late(), o.late, "late records per topic");
    assertEquals(plan.exponentNumbers(), o.exponent, "numbers in exponent form");
    assertEquals(plan.profileNews(), o.news, "new");
    assertEquals(plan.profileUpdates(), o.updates, "update");
    assertEquals(plan.profileDeletes(), o.deletes, "delete");
    assertEquals(plan.deletedUsers(), o.deletedUsers(), "deleted users");
    assertEquals(plan.recreatedUsers(), o.recreatedUsers(), "re-created users");
    assertEquals(plan.orphanDeletes(), o.orphanDeletes(), "deletes of users without a profile");
    assertEquals(plan.sameTimestampUpdates(), o.sameTimestampUpdates(), "same-timestamp updates");
    assertEquals(plan.userProfileRows(), o.userProfileRows(), "silver.user_profile");
    assertEquals(plan.userProfileHistoryRows(), o.historyRows(), "silver.user_profile_history");
    assertEquals(plan.workoutSessions(), o.sessions.size(), "sessions");
    assertEquals(plan.workoutRows(), o.workoutRows(), "silver.workouts");
    assertEquals(plan.completedWorkouts(), o.completedWorkouts(), "completed workouts");
    assertEquals(plan.longWorkouts(), o.longWorkouts(), "workouts over 3 h");
    assertEquals(plan.unfinishedWorkouts(), o.unfinishedWorkouts(), "unfinished workouts");
    assertEquals(plan.stopsBeforeStarts(), o.stopsBeforeStarts, "stops before starts");
    assertEquals(plan.duplicatedStarts(), o.duplicatedStarts, "duplicated starts");
    assertEquals(plan.bpmReadings(), o.distinctReadings(), "silver.heart_rate");
    assertEquals(plan.outOfRangeReadings(), o.outOfRange, "readings outside 20..250");
    assertEquals(plan.gymRows(), o.gymRows, "gym rows");
    assertEquals(plan.gymInvalidRows(), o.gymInvalidRows, "gym rows that do not parse");
    assertEquals(plan.gymVisits(), o.gymVisits.size(), "silver.gym_logs");
    assertEquals(plan.gymDuplicateRows(), o.gymDuplicateRows, "visits logged twice");
    assertEquals(plan.gymSummaryRows(), o.gymSummaryRows, "gold.gym_summary");
    assertEquals(plan.gymVisitsWithWorkout(), o.gymVisitsWithWorkout, "visits with a workout");
    assertEquals(plan.gymVisitsWithoutWorkout(), o.gymVisitsWithoutWorkout, "visits without");
    assertEquals(plan.midnightVisits(), o.midnightVisits, "visits crossing midnight");
    assertTrue(o.lateOnlyAtTheEnd, "late records come after every other record");
    assertEquals(plan.late().get("bpm"), o.lateInCompletedWorkouts, "late readings in workouts");
    assertEquals(0, o.sameReadingTwoValues, "two different readings of a device at one time");
    assertTrue(o.sessionIdsIncrease, "session ids increase with the start per user");
    assertTrue(o.atMostThreeADay, "0-3 sessions a day");
  }

  private static Observed observe(StreamSimulator sim) {
    SimulationPlan plan = sim.plan();
    Observed o = new Observed();
    o.readRegistrations(sim.registrationsCsv());
    Set<String> seen = new HashSet<>();
    long[] maxEvent = {Long.MIN_VALUE};
    List<long[]> lateReadings = new ArrayList<>();
    for (String t : StreamSimulator.TOPICS) {
      o.records.put(t, 0L);
      o.invalid.put(t, 0);
      o.duplicates.put(t, 0);
      o.outOfOrder.put(t, 0);
      o.late.put(t, 0);
    }
    Map<String, Map<Long, Long>> entityMax = new HashMap<>();
    sim.generate(
        r -> {
          assertTrue(StreamSimulator.TOPICS.contains(r.topic()), r.topic());
          o.records.merge(r.topic(), 1L, Long::sum);
          // late: 100 minutes or more behind the latest event sent before it (out-of-order ones are
          // less: a start sent after its stop is at most 90 minutes behind)
          boolean late = r.eventEpochMillis() + 100 * 60_000 <= maxEvent[0];
          maxEvent[0] = Math.max(maxEvent[0], r.eventEpochMillis());
          if (o.lateStarted && !late) {
            o.lateOnlyAtTheEnd = false;
          }
          o.lateStarted |= late;
          if (!seen.add(r.topic() + '\u0000' + r.key() + '\u0000' + r.value())) {
            o.duplicates.merge(r.topic(), 1, Integer::sum);
            if (r.topic().equals("workout") && r.value().contains("\"start\"")) {
              o.duplicatedStarts++;
            }
            return;
          }
          String reason = invalidReason(r.topic(), r.value());
          if (reason != null) {
            o.invalid.merge(r.topic(), 1, Integer::sum);
            o.invalidKinds.merge(reason, 1, Integer::sum);
            return;
          }
          JsonNode n = parse(r.value());
          long entity = n.get(r.topic().equals("bpm") ? "device_id" : "user_id").asLong();
          if (r.key() != null) {
            assertEquals(Long.toString(entity), r.key(), "the key is the id as text");
          }
          String timeField = r.topic().equals("bpm") ? "time" : "timestamp";
          assertEquals(
              Math.round(n.get(timeField).asDouble() * 1000), r.eventEpochMillis(), r.value());
          long time = r.eventEpochMillis();
          Long max = entityMax.computeIfAbsent(r.topic(), k -> new HashMap<>()).get(entity);
          if (late) {
            o.late.merge(r.topic(), 1, Integer::sum);
            assertTrue(
                max != null && time < max,
                "a late record is behind its entity: " + r + " max " + max);
          } else if (max != null && time < max) {
            o.outOfOrder.merge(r.topic(), 1, Integer::sum);
          }
          entityMax.get(r.topic()).merge(entity, time, Math::max);
          if (r.value().contains("e2")) {
            assertEquals(112.5, n.get("heartrate").asDouble(), r.value());
            o.exponent++;
          }
          switch (r.topic()) {
            case "user_info" -> o.profile(n, time);
            case "workout" -> o.workout(n, time);
            default -> {
              double hr = n.get("heartrate").asDouble();
              if (late) {
                lateReadings.add(new long[] {entity, time});
              }
              Double before =
                  o.readings.computeIfAbsent(entity, d -> new TreeMap<>()).put(time, hr);
              if (before != null) {
                o.sameReadingTwoValues++;
              }
              if (hr < 20 || hr > 250) {
                o.outOfRange++;
              }
            }
          }
        });
    for (long[] late : lateReadings) {
      for (long[] s : o.sessionsOf(o.userOfDevice.get(late[0]))) {
        if (s[1] > 0 && s[1] < s[0] + 3 * HOUR && s[0] < late[1] && late[1] <= s[1]) {
          o.lateInCompletedWorkouts++;
        }
      }
    }
    o.checkSessions(plan.start().toEpochMilli(), plan.end().toEpochMilli());
    o.readGymLogins(sim.gymLoginsCsv());
    return o;
  }

  /** Why a record is invalid by the contract, or null when it is valid. */
  private static String invalidReason(String topic, String value) {
    JsonNode n;
    try {
      n = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return "not_json";
    }
    if (n == null || n.isMissingNode()) {
      return "not_json";
    }
    if (n.isArray()) {
      return "json_array";
    }
    if (!n.isObject()) {
      return "not_an_object";
    }
    List<String> numbers =
        switch (topic) {
          case "user_info" -> List.of("user_id", "timestamp");
          case "workout" -> List.of("user_id", "workout_id", "timestamp", "session_id");
          default -> List.of("device_id", "time", "heartrate");
        };
    List<String> texts =
        switch (topic) {
          case "user_info" -> List.of("update_type");
          case "workout" -> List.of("action");
          default -> List.of();
        };
    for (String f : numbers) {
      if (!n.hasNonNull(f)) {
        return "missing_field";
      }
    }
    for (String f : texts) {
      if (!n.hasNonNull(f)) {
        return "missing_field";
      }
    }
    for (String f : numbers) {
      if (n.get(f).isTextual()) {
        return "string_number";
      }
      if (!n.get(f).isNumber()) {
        return "wrong_type";
      }
    }
    for (String f : texts) {
      if (!n.get(f).isTextual()) {
        return "wrong_type";
      }
    }
    if (topic.equals("user_info")
        && !Set.of("new", "update", "delete").contains(n.get("update_type").asText())) {
      return "unknown_update_type";
    }
    if (topic.equals("workout") && !Set.of("start", "stop").contains(n.get("action").asText())) {
      return "unknown_action";
    }
    return null;
  }

  private static JsonNode parse(String value) {
    try {
      return JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** During a session whose stop is known. */
  private static boolean inWorkout(List<long[]> sessions, long t) {
    for (long[] s : sessions) {
      if (s[1] > 0 && s[0] < t && t <= s[1]) {
        return true;
      }
    }
    return false;
  }

  /** During any session; an unfinished one may last up to 2 hours (its real end is not known). */
  private static boolean maybeInWorkout(List<long[]> sessions, long t) {
    for (long[] s : sessions) {
      if (s[0] < t && t <= (s[1] > 0 ? s[1] : s[0] + 2 * HOUR)) {
        return true;
      }
    }
    return false;
  }

  private static String band(int age) {
    int[] lower = {0, 18, 25, 35, 45, 55, 65, 75, 85, 95};
    for (int i = lower.length - 1; i >= 0; i--) {
      if (age >= lower[i]) {
        return BANDS[i];
      }
    }
    throw new AssertionError(age);
  }

  private static String[] earliest(List<String[]> regs) {
    String[] best = regs.get(0);
    for (String[] r : regs) {
      if (Long.parseLong(r[3]) < Long.parseLong(best[3])) {
        best = r;
      }
    }
    return best;
  }

  /** What the output holds, counted without help from the simulator. */
  private static final class Observed {
    final Map<String, Long> records = new LinkedHashMap<>();
    final Map<String, Integer> invalid = new LinkedHashMap<>();
    final Map<String, Integer> invalidKinds = new LinkedHashMap<>();
    final Map<String, Integer> duplicates = new LinkedHashMap<>();
    final Map<String, Integer> outOfOrder = new LinkedHashMap<>();
    final Map<String, Integer> late = new LinkedHashMap<>();
    int exponent;
    boolean lateStarted;
    boolean lateOnlyAtTheEnd = true;
    int lateInCompletedWorkouts;
    // user_info, in stream order: user -> [timestamp, type (0 new, 1 update, 2 delete)]
    final Map<Long, List<long[]>> profiles = new TreeMap<>();
    final Map<Long, LocalDate> dobs = new TreeMap<>();
    final Map<Long, Long> firstNew = new TreeMap<>();
    int news;
    int updates;
    int deletes;
    // workout: (user, workout, session) -> [start, stop] (earliest; -1 when not seen)
    final Map<List<Long>, long[]> sessions = new LinkedHashMap<>();
    int stopsBeforeStarts;
    int duplicatedStarts;
    boolean sessionIdsIncrease = true;
    boolean atMostThreeADay = true;
    // bpm: device -> time -> heart rate
    final Map<Long, TreeMap<Long, Double>> readings = new TreeMap<>();
    int sameReadingTwoValues;
    int outOfRange;
    // registrations
    final Map<Long, Long> deviceOfUser = new HashMap<>();
    final Map<Long, Long> userOfDevice = new HashMap<>();
    final Map<String, Long> userOfMac = new HashMap<>();
    // gym logins: (mac, gym, login) -> greatest logout
    final Map<List<String>, Long> gymVisits = new LinkedHashMap<>();
    int gymRows;
    int gymInvalidRows;
    int gymDuplicateRows;
    int gymSummaryRows;
    int gymVisitsWithWorkout;
    int gymVisitsWithoutWorkout;
    int midnightVisits;

    void profile(JsonNode n, long time) {
      long user = n.get("user_id").asLong();
      String type = n.get("update_type").asText();
      int code = type.equals("new") ? 0 : type.equals("update") ? 1 : 2;
      profiles.computeIfAbsent(user, u -> new ArrayList<>()).add(new long[] {time, code});
      switch (code) {
        case 0 -> news++;
        case 1 -> updates++;
        default -> deletes++;
      }
      if (code == 2) {
        assertEquals(3, n.size(), "a delete carries only user_id, update_type and timestamp");
        return;
      }
      LocalDate dob =
          LocalDate.parse(n.get("dob").asText(), DateTimeFormatter.ofPattern("MM/dd/uuuu"));
      assertTrue(Set.of("M", "F").contains(n.get("sex").asText()));
      assertTrue(n.get("gender").isTextual());
      assertTrue(n.get("first_name").asText().length() > 1);
      assertTrue(n.get("last_name").asText().length() > 1);
      JsonNode address = n.get("address");
      assertTrue(address.get("street_address").asText().matches("\\d+ \\S+ \\S+"));
      assertTrue(address.get("city").isTextual());
      assertTrue(address.get("state").asText().matches("[A-Z]{2}"));
      assertTrue(address.get("zip").isIntegralNumber(), "zip is a number");
      if (code == 0 && !firstNew.containsKey(user)) {
        firstNew.put(user, time);
        dobs.put(user, dob);
      }
    }

    void workout(JsonNode n, long time) {
      List<Long> key =
          List.of(
              n.get("user_id").asLong(),
              n.get("workout_id").asLong(),
              n.get("session_id").asLong());
      long[] s = sessions.computeIfAbsent(key, k -> new long[] {-1, -1});
      if (n.get("action").asText().equals("start")) {
        s[0] = s[0] < 0 ? time : Math.min(s[0], time);
      } else {
        if (s[0] < 0 && s[1] < 0) {
          stopsBeforeStarts++;
        }
        s[1] = s[1] < 0 ? time : Math.min(s[1], time);
      }
    }

    List<long[]> sessionsOf(long user) {
      List<long[]> list = new ArrayList<>();
      sessions.forEach(
          (k, v) -> {
            if (k.get(0) == user) {
              list.add(v);
            }
          });
      return list;
    }

    void checkSessions(long start, long end) {
      Map<Long, TreeMap<Long, Long>> byUser = new HashMap<>();
      sessions.forEach(
          (k, v) -> {
            assertTrue(v[0] >= start && v[0] < end, "start in the span");
            byUser.computeIfAbsent(k.get(0), u -> new TreeMap<>()).put(v[0], k.get(2));
            assertTrue(k.get(1) >= 1 && k.get(1) <= 6, "workout id");
            if (v[1] > 0 && v[1] < v[0] + 3 * HOUR) {
              long minutes = (v[1] - v[0]) / 60_000;
              assertTrue(minutes >= 20 && minutes <= 90, minutes + " minutes");
            }
          });
      for (TreeMap<Long, Long> mine : byUser.values()) {
        long previous = Long.MIN_VALUE;
        for (long id : mine.values()) {
          sessionIdsIncrease &= id > previous;
          previous = id;
        }
        for (long day = start; day < end; day += DAY) {
          atMostThreeADay &= mine.subMap(day, day + DAY).size() <= 3;
        }
      }
    }

    long completedWorkouts() {
      return sessions.values().stream()
          .filter(s -> s[0] > 0 && s[1] > s[0] && s[1] < s[0] + 3 * HOUR)
          .count();
    }

    int longWorkouts() {
      return (int) sessions.values().stream().filter(s -> s[1] >= s[0] + 3 * HOUR).count();
    }

    int unfinishedWorkouts() {
      return (int) sessions.values().stream().filter(s -> s[1] < 0).count();
    }

    int workoutRows() {
      int rows = 0;
      for (long[] s : sessions.values()) {
        rows += (s[0] > 0 ? 1 : 0) + (s[1] > 0 ? 1 : 0);
      }
      return rows;
    }

    long distinctReadings() {
      return readings.values().stream().mapToLong(TreeMap::size).sum();
    }

    List<Long> deletedUsers() {
      List<Long> users = new ArrayList<>();
      profiles.forEach(
          (u, events) -> {
            if (events.stream().anyMatch(e -> e[1] == 2)) {
              users.add(u);
            }
          });
      return users;
    }

    List<Long> recreatedUsers() {
      List<Long> users = new ArrayList<>();
      profiles.forEach(
          (u, events) -> {
            long delete =
                events.stream()
                    .filter(e -> e[1] == 2)
                    .mapToLong(e -> e[0])
                    .min()
                    .orElse(Long.MAX_VALUE);
            if (events.stream().anyMatch(e -> e[1] == 0 && e[0] > delete)) {
              users.add(u);
            }
          });
      return users;
    }

    int orphanDeletes() {
      int n = 0;
      for (List<long[]> events : profiles.values()) {
        if (events.stream().allMatch(e -> e[1] == 2)) {
          n += events.size();
        }
      }
      return n;
    }

    int sameTimestampUpdates() {
      int n = 0;
      for (List<long[]> events : profiles.values()) {
        Map<Long, Integer> perTime = new HashMap<>();
        events.stream().filter(e -> e[1] == 1).forEach(e -> perTime.merge(e[0], 1, Integer::sum));
        n += (int) perTime.values().stream().filter(c -> c > 1).count();
      }
      return n;
    }

    /** SCD 1: the greatest timestamp wins, ties to the later record (one key, one partition). */
    int userProfileRows() {
      int rows = 0;
      for (List<long[]> events : profiles.values()) {
        long[] best = null;
        for (long[] e : events) {
          if (best == null || e[0] >= best[0]) {
            best = e;
          }
        }
        rows += best[1] == 2 ? 0 : 1;
      }
      return rows;
    }

    int historyRows() {
      int rows = 0;
      for (List<long[]> events : profiles.values()) {
        rows +=
            (int) events.stream().filter(e -> e[1] != 2).mapToLong(e -> e[0]).distinct().count();
      }
      return rows;
    }

    void readRegistrations(String csv) {
      List<String> lines = csv.lines().toList();
      assertEquals("user_id,device_id,mac_address,registration_timestamp", lines.get(0));
      Map<Long, String[]> earliest = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        long user = Long.parseLong(f[0]);
        String[] best = earliest.get(user);
        if (best == null || Long.parseLong(f[3]) < Long.parseLong(best[3])) {
          earliest.put(user, f);
        }
      }
      earliest.forEach(
          (user, f) -> {
            deviceOfUser.put(user, Long.parseLong(f[1]));
            userOfDevice.put(Long.parseLong(f[1]), user);
            userOfMac.put(f[2], user);
          });
    }

    void readGymLogins(String csv) {
      List<String> lines = csv.lines().toList();
      assertEquals("mac_address,gym,login,logout", lines.get(0));
      assertTrue(csv.endsWith("\n"));
      Map<List<String>, Long> firstLogout = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        long login;
        long logout;
        try {
          if (f.length != 4) {
            throw new NumberFormatException("fields: " + f.length);
          }
          login = Long.parseLong(f[2]);
          logout = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
          gymInvalidRows++;
          continue;
        }
        gymRows++;
        assertTrue(MAC.matcher(f[0]).matches(), line);
        assertTrue(login < logout, line);
        List<String> key = List.of(f[0], f[1], f[2]);
        Long before = gymVisits.get(key);
        if (before != null) {
          gymDuplicateRows++;
          assertTrue(firstLogout.get(key) > logout, "the greater logout is read first: " + line);
        } else {
          firstLogout.put(key, logout);
        }
        gymVisits.merge(key, logout, Math::max);
      }
      gymVisits.forEach(
          (key, logout) -> {
            long login = Long.parseLong(key.get(2)) * 1000;
            Long user = userOfMac.get(key.get(0));
            assertNotNull(user, "a registered MAC");
            int matches = 0;
            boolean crosses = false;
            for (long[] s : sessionsOf(user)) {
              boolean completed = s[0] > 0 && s[1] > s[0] && s[1] < s[0] + 3 * HOUR;
              if (completed && login <= s[0] && s[0] <= logout * 1000) {
                matches++;
                crosses |= Math.floorDiv(login, DAY) != Math.floorDiv(s[0], DAY);
              }
            }
            gymSummaryRows += matches;
            if (matches > 0) {
              gymVisitsWithWorkout++;
            } else {
              gymVisitsWithoutWorkout++;
            }
            midnightVisits += crosses ? 1 : 0;
          });
    }
  }
}
