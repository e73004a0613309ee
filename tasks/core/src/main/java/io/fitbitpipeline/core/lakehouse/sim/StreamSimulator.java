package io.fitbitpipeline.core.lakehouse.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deterministic, realistic simulation of the workout lakehouse's inputs (see
 * LAKEHOUSE_FORMAT.md): the Kafka records of the {@code user_info}, {@code workout} and {@code bpm}
 * topics over a span, and the registrations and gym-login CSV files. The same arguments always give
 * the same records, in the same order, and the same CSV text.
 *
 * <p>Users are 12140+i with device 103001+i. Each user's {@code new} profile comes when the user
 * starts using the device, in the first minutes of the span; then the device sends heart-rate
 * readings at the given rate (resting 55-85, 110-170 during a workout), and the user does 0-3
 * workout sessions of 20-90 minutes a day. What is planted (see {@link #plan()} for the counts and
 * the exact places):
 *
 * <ul>
 *   <li>user_info: address moves and name changes; deleted users, one of them re-created with a
 *       {@code new}; a delete of a user id that never had a profile; two updates of a user with the
 *       same timestamp; a duplicated record; an update sent at the end of the stream although its
 *       timestamp lies between two earlier records of that user (late); dob values covering every
 *       age band of the gold tables (with 10 users or more)
 *   <li>workout: a session of more than 3 hours, a session never stopped, a stop sent before its
 *       start, a duplicated start
 *   <li>bpm: readings outside 20..250, a batch of readings re-sent (exact duplicates), readings
 *       delayed behind later ones (out of order), runs of readings taken inside completed workouts
 *       but sent at the very end of the stream (a device syncing hours later), one heart rate
 *       written {@code 1.125e2} (valid)
 *   <li>every topic: invalid records (not JSON, a JSON array, a missing field, a number given as a
 *       string, an unknown update_type or action); one user's records and device have no key
 *   <li>registrations: a few users registered a second time, later, with another device (ignored by
 *       the contract), one such row before the user's first registration in the file
 *   <li>gym logins: visits around a share of the workouts, one crossing midnight UTC with its
 *       workout starting after midnight, one visit logged twice with different logouts (the greater
 *       first), visits without a workout, a row with a non-numeric login and a row with three
 *       fields
 * </ul>
 *
 * <p>{@link #generate(Consumer)} streams the records in the order they are sent, holding only a
 * minute's worth of readings (plus the few records planted to arrive later) in memory.
 */
public final class StreamSimulator {
  public static final String USER_INFO = "user_info";
  public static final String WORKOUT = "workout";
  public static final String BPM = "bpm";
  public static final List<String> TOPICS = List.of(USER_INFO, WORKOUT, BPM);
  public static final String REGISTRATIONS_HEADER =
      "user_id,device_id,mac_address,registration_timestamp";
  public static final String GYM_LOGINS_HEADER = "mac_address,gym,login,logout";
  public static final long FIRST_USER_ID = 12140;
  public static final long FIRST_DEVICE_ID = 103001;

  /** A user id that never has a profile: the target of the planted orphan delete. */
  public static final long ORPHAN_USER_ID = FIRST_USER_ID - 1;

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final DateTimeFormatter DOB = DateTimeFormatter.ofPattern("MM/dd/uuuu");

  private static final int TAG_USER = 1;
  private static final int TAG_ROLES = 2;
  private static final int TAG_SESSIONS = 3;
  private static final int TAG_PROFILE = 4;
  private static final int TAG_WORKOUT = 5;
  private static final int TAG_GYM = 6;
  private static final int TAG_TIME = 7;
  private static final int TAG_HEART = 8;
  private static final int TAG_PLANTS = 9;
  private static final int TAG_INVALID = 10;
  private static final int TAG_REGISTRATION = 11;

  private static final String[] FEMALE = {
    "Ana", "Maria", "Emma", "Olivia", "Sofia", "Grace", "Chloe", "Mia", "Priya", "Aisha", "Hannah",
    "Lucia", "Mei", "Zoe", "Nora", "Fatima", "Ingrid", "Keiko"
  };
  private static final String[] MALE = {
    "Liam", "Noah", "James", "Lucas", "Mateo", "Ethan", "Omar", "Raj", "Daniel", "Kenji", "Diego",
    "Samuel", "Leo", "Arjun", "Owen", "Tomás", "Kwame", "Ivan"
  };
  private static final String[] LAST = {
    "Lee", "Garcia", "Smith", "Johnson", "Nguyen", "Patel", "Kim", "Martinez", "Brown", "Davis",
    "Lopez", "Wilson", "Anderson", "Chen", "Okafor", "Rossi", "Muñoz", "O'Brien", "Novak", "Haddad",
    "Schmidt", "Tanaka", "Cohen", "Silva"
  };
  private static final String[] STREETS = {
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Pine",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
    "River",
    "Washington",
    "Lincoln",
    "Highland",
    "Jefferson",
    "Franklin",
    "Willow",
    "Meadow"
  };
  private static final String[] SUFFIXES = {"St", "Ave", "Blvd", "Rd", "Ln", "Dr", "Ct", "Way"};
  // city, state, first zip code (a number: Boston's 02108 is 2108)
  private static final String[][] CITIES = {
    {"Austin", "TX", "78701"},
    {"Denver", "CO", "80202"},
    {"Seattle", "WA", "98101"},
    {"Boston", "MA", "2108"},
    {"Chicago", "IL", "60601"},
    {"Portland", "OR", "97201"},
    {"Atlanta", "GA", "30303"},
    {"Phoenix", "AZ", "85004"},
    {"Nashville", "TN", "37203"},
    {"Minneapolis", "MN", "55401"},
    {"San Diego", "CA", "92101"},
    {"Raleigh", "NC", "27601"}
  };
  // age bands of gold.workout_bpm_summary: ages drawn, inclusive
  private static final int[][] AGES = {
    {13, 17}, {18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}, {75, 84}, {85, 94},
    {95, 99}
  };
  private static final double[] AGE_WEIGHTS = {3, 15, 25, 22, 15, 10, 6, 2.5, 1, 0.5};
  // workout ids 1..6: run, ride, row, swim, strength, intervals; their typical heart rate
  private static final double[] WORKOUT_BPM = {150, 138, 144, 134, 122, 156};
  private static final String[] OUT_OF_RANGE = {"0.0", "300.0", "19.5", "250.5"};
  private static final String EXPONENT_HEARTRATE = "1.125e2";

  private static final byte LATE = 1;
  private static final byte DELAYED = 2;
  private static final byte RESENT = 3;
  private static final byte OUT_OF_RANGE_VALUE = 4;
  private static final byte EXPONENT = 5;

  private final long seed;
  private final int users;
  private final long startMs;
  private final long endMs;
  private final double bpmPerMinute;
  private final double intervalMs;
  private final Person[] people;
  private final List<Person> roleOrder;
  private final List<Scripted> scripted = new ArrayList<>();
  private final Plant[][] plants;
  private final String registrationsCsv;
  private final String gymLoginsCsv;
  private final Tally tally = new Tally();
  private Set<String> macs; // every MAC handed out, so that none repeats
  private final SimulationPlan plan;

  public StreamSimulator(long seed, int users, Instant start, Duration span, double bpmPerMinute) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(span, "span");
    if (users < 1 || users > 100_000) {
      throw new IllegalArgumentException("users must be 1..100000: " + users);
    }
    if (span.isNegative() || span.isZero() || span.compareTo(Duration.ofDays(366)) > 0) {
      throw new IllegalArgumentException("span must be positive and at most 366 days: " + span);
    }
    if (!(bpmPerMinute >= 0 && bpmPerMinute <= 600)) {
      throw new IllegalArgumentException("bpmPerMinute must be 0..600: " + bpmPerMinute);
    }
    this.seed = seed;
    this.users = users;
    this.startMs = start.toEpochMilli();
    this.endMs = startMs + span.toMillis();
    this.bpmPerMinute = bpmPerMinute;
    this.intervalMs = bpmPerMinute > 0 ? 60_000.0 / bpmPerMinute : 0;
    this.people = createPeople();
    this.roleOrder = roleOrder();
    for (Person p : people) {
      scheduleSessions(p);
    }
    List<Session> specials = pickSessions();
    scriptProfiles();
    scriptWorkouts(specials.get(0), specials.get(1));
    this.gymLoginsCsv = gymVisits();
    this.registrationsCsv = registrations();
    this.plants = plantReadings(specials.get(2), specials.get(3), specials.get(4));
    scriptInvalid();
    this.plan = buildPlan();
  }

  /** Every record of the span, in the order they are sent: {@link #generate} collected. */
  public List<SimulatedRecord> records() {
    List<SimulatedRecord> out = new ArrayList<>((int) Math.min(plan.totalRecords(), 50_000_000));
    generate(out::add);
    return out;
  }

  /**
   * Streams every record of the span, in the order a real system would send them: roughly by event
   * time, with the planted out-of-order, late and duplicated records where they would really
   * arrive. Deterministic for the same constructor arguments.
   */
  public void generate(Consumer<SimulatedRecord> sink) {
    PriorityQueue<Pending> queue = new PriorityQueue<>();
    long[] seq = {0};
    for (Scripted s : scripted) {
      queue.add(new Pending(s.arrival, seq[0]++, s.record));
    }
    Device[] devices = new Device[users];
    for (Person p : people) {
      devices[p.index] = new Device(p);
    }
    StringBuilder sb = new StringBuilder(96);
    for (long from = startMs; ; from += MINUTE) {
      long to = Math.min(from + MINUTE, endMs);
      if (intervalMs > 0) {
        for (Device d : devices) {
          while (d.next < to) {
            d.emit(sb, queue, seq);
          }
        }
      }
      while (!queue.isEmpty() && queue.peek().arrival < to) {
        sink.accept(queue.poll().record);
      }
      if (to >= endMs) {
        break;
      }
    }
    while (!queue.isEmpty()) {
      sink.accept(queue.poll().record);
    }
  }

  /** CSV text of landing/registrations/*.csv. */
  public String registrationsCsv() {
    return registrationsCsv;
  }

  /** CSV text of landing/gym_logins/*.csv. */
  public String gymLoginsCsv() {
    return gymLoginsCsv;
  }

  /** What was planted: the counts and places the tests and the demo can rely on. */
  public SimulationPlan plan() {
    return plan;
  }

  // ---------------------------------------------------------------------------------- people

  private Person[] createPeople() {
    Person[] ps = new Person[users];
    Set<String> macs = new HashSet<>();
    LocalDate startDate = LocalDate.ofInstant(Instant.ofEpochMilli(startMs), ZoneOffset.UTC);
    long startSec = Math.floorDiv(startMs, SECOND);
    long onboardWindow = Math.max(1, Math.min(3 * MINUTE, (endMs - startMs) / 20));
    for (int i = 0; i < users; i++) {
      Rng r = rng(TAG_USER, i);
      Person p = new Person(i, users >= 3 && i == users - 1);
      boolean female = r.nextDouble() < 0.5;
      String sex = female ? "F" : "M";
      double g = r.nextDouble();
      String gender = g < 0.03 ? "X" : g < 0.05 ? (female ? "M" : "F") : sex;
      int band = i < AGES.length ? i : weighted(r, AGE_WEIGHTS);
      int age = AGES[band][0] + r.nextInt(AGES[band][1] - AGES[band][0] + 1);
      LocalDate dob = startDate.minusYears(age).minusDays(1 + r.nextInt(330));
      int city = r.nextInt(CITIES.length);
      p.profile =
          new Profile(
              dob,
              sex,
              gender,
              pick(r, female ? FEMALE : MALE),
              pick(r, LAST),
              street(r),
              city,
              zip(r, city));
      p.restBase = 58 + r.nextDouble() * 18;
      p.fitness = r.nextDouble() * 16 - 8;
      p.favorites = new int[] {1 + r.nextInt(6), 1 + r.nextInt(6)};
      p.gym = CITIES[city][0] + (r.nextDouble() < 0.5 ? " Downtown" : " Northside");
      p.mac = uniqueMac(r, macs);
      p.registeredSec = startSec - 10 * 86_400 - r.nextLong(390L * 86_400);
      p.onboardMs = startMs + r.nextLong(onboardWindow);
      ps[i] = p;
    }
    this.macs = macs;
    return ps;
  }

  /** Users in the order special roles are handed out; the keyless user comes last. */
  private List<Person> roleOrder() {
    List<Person> list = new ArrayList<>(Arrays.asList(people));
    Rng r = rng(TAG_ROLES, 0);
    shuffle(list, r);
    list.sort(Comparator.comparing((Person p) -> p.keyless));
    return list;
  }

  private Person role(int k) {
    return roleOrder.get(k % roleOrder.size());
  }

  private static final int ROLE_LONG = 0;
  private static final int ROLE_UNFINISHED = 1;
  private static final int ROLE_MIDNIGHT = 2;
  private static final int ROLE_LATE_UPDATE = 3;
  private static final int ROLE_SAME_TIMESTAMP = 4;
  private static final int ROLE_DUPLICATE_PROFILE = 5;
  private static final int ROLE_DELETED = 6; // deleted users take 6, 7, ... the first is re-created

  private int deletedCount() {
    return Math.max(1, Math.min(3, users / 25));
  }

  private int reregisteredCount() {
    return Math.max(1, Math.min(3, users / 40));
  }

  // ---------------------------------------------------------------------------------- sessions

  private void scheduleSessions(Person p) {
    Rng r = rng(TAG_SESSIONS, p.index);
    long lo = p.onboardMs + 10 * MINUTE;
    long hi = endMs - 5 * MINUTE; // every session ends before this
    if (p == role(ROLE_MIDNIGHT)) {
      for (long m = ceilDay(startMs); m + 20 * MINUTE + 60 * MINUTE <= hi; m += DAY) {
        long s = m + 14 * MINUTE + r.nextLong(6 * MINUTE);
        long dur = 30 * MINUTE + r.nextLong(30 * MINUTE);
        if (s >= lo && s + dur <= hi && fits(p, s, s + dur)) {
          p.sessions.add(new Session(p, 5, s, s + dur, s + dur, Kind.MIDNIGHT, r));
          break;
        }
      }
    }
    if (p == role(ROLE_LONG)) {
      place(p, r, lo, hi, hi, 190 * MINUTE, 220 * MINUTE, Kind.LONG, 2);
    }
    if (p == role(ROLE_UNFINISHED)) {
      place(
          p,
          r,
          Math.max(lo, endMs - 6 * HOUR),
          hi,
          hi,
          40 * MINUTE,
          40 * MINUTE,
          Kind.UNFINISHED,
          0);
    }
    for (long day = startMs; day < endMs; day += DAY) {
      long dayEnd = Math.min(day + DAY, endMs);
      int wanted = weighted(r, new double[] {25, 40, 25, 10});
      long already = 0;
      for (Session s : p.sessions) {
        if (s.startMs >= day && s.startMs < dayEnd) {
          already++;
        }
      }
      for (long n = already; n < wanted; n++) {
        place(p, r, Math.max(lo, day), dayEnd - 1, hi, 20 * MINUTE, 90 * MINUTE, Kind.REGULAR, 0);
      }
    }
    p.sessions.sort(Comparator.comparingLong(s -> s.startMs));
    long id = 1 + r.nextInt(150);
    for (Session s : p.sessions) {
      s.sessionId = id++;
    }
  }

  /** Places a session starting in [from, to] and ending by endLimit, if one fits in 40 tries. */
  private void place(
      Person p,
      Rng r,
      long from,
      long to,
      long endLimit,
      long minDur,
      long maxDur,
      Kind kind,
      int workoutId) {
    for (int attempt = 0; attempt < 40; attempt++) {
      long dur = minDur + r.nextLong(maxDur - minDur + 1);
      long last = Math.min(to, endLimit - dur);
      if (last < from) {
        return;
      }
      long s = from + r.nextLong(last - from + 1);
      if (fits(p, s, s + dur)) {
        int w =
            workoutId > 0
                ? workoutId
                : r.nextDouble() < 0.7 ? p.favorites[r.nextInt(2)] : 1 + r.nextInt(6);
        long stop = kind == Kind.UNFINISHED ? -1 : s + dur;
        p.sessions.add(new Session(p, w, s, stop, s + dur, kind, r));
        return;
      }
    }
  }

  /** No session of p within 30 minutes of [s, e]. */
  private static boolean fits(Person p, long s, long e) {
    for (Session x : p.sessions) {
      if (s < x.activeEndMs + 30 * MINUTE && x.startMs < e + 30 * MINUTE) {
        return false;
      }
    }
    return true;
  }

  /**
   * The sessions of the planted cases: stop before start, duplicated start, exponent, and two late
   * runs (those ending 2 hours or more before the span does, so that they are clearly late). Each
   * on another user while there are enough; null when there are not enough sessions.
   */
  private List<Session> pickSessions() {
    List<Session> regular = new ArrayList<>();
    for (Person p : people) {
      for (Session s : p.sessions) {
        if (s.kind == Kind.REGULAR) {
          regular.add(s);
        }
      }
    }
    shuffle(regular, rng(TAG_ROLES, 1));
    Set<Person> used = new HashSet<>();
    List<Session> taken = new ArrayList<>();
    Session late1 = pickSession(regular, used, taken, true);
    Session late2 = pickSession(regular, used, taken, true);
    Session stopBeforeStart = pickSession(regular, used, taken, false);
    Session duplicatedStart = pickSession(regular, used, taken, false);
    Session exponent = pickSession(regular, used, taken, false);
    return Arrays.asList(stopBeforeStart, duplicatedStart, exponent, late1, late2);
  }

  /**
   * A session not taken yet, of a user not used yet if possible; early: ending 2 h before the span.
   */
  private Session pickSession(
      List<Session> sessions, Set<Person> used, List<Session> taken, boolean early) {
    for (int pass = 0; pass < 2; pass++) {
      for (Session s : sessions) {
        boolean inTime = !early || s.stopMs <= endMs - 2 * HOUR;
        boolean newPerson = pass % 2 == 1 || !used.contains(s.person);
        if (inTime && newPerson && !taken.contains(s)) {
          taken.add(s);
          used.add(s.person);
          return s;
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------- user_info

  private void scriptProfiles() {
    Rng main = rng(TAG_PROFILE, -1);
    long spanSec = (endMs - startMs) / SECOND;
    long startSec = Math.floorDiv(startMs, SECOND);
    long endSec = Math.floorDiv(endMs, SECOND);
    Set<Person> deleted = new HashSet<>();
    for (int k = 0; k < deletedCount(); k++) {
      deleted.add(role(ROLE_DELETED + k));
    }
    Person recreated = role(ROLE_DELETED);
    Scripted duplicateSource = null;
    for (Person p : people) {
      Rng r = rng(TAG_PROFILE, p.index);
      long tNew = Math.floorDiv(p.onboardMs, SECOND);
      boolean isDeleted = deleted.contains(p);
      long tDelete = isDeleted ? startSec + (long) (spanSec * (0.55 + 0.25 * r.nextDouble())) : 0;
      if (isDeleted && tDelete <= tNew) {
        tDelete = tNew + 1;
      }
      long lo = tNew + 20 * 60;
      long hi = isDeleted ? tDelete - 5 * 60 : endSec - 10 * 60;
      double roll = r.nextDouble();
      int regular = roll < 0.2 ? 1 : roll < 0.27 ? 2 : 0;
      boolean lateRole = p == role(ROLE_LATE_UPDATE);
      boolean pairRole = p == role(ROLE_SAME_TIMESTAMP);
      if (lateRole) {
        regular = Math.max(1, regular);
      }
      List<Update> updates = new ArrayList<>();
      TreeSet<Long> taken = new TreeSet<>();
      taken.add(tNew);
      if (hi > lo) {
        for (int u = 0; u < regular; u++) {
          long ts = free(taken, lo + r.nextLong(hi - lo + 1));
          updates.add(new Update(ts, r.nextDouble() < 0.6 ? Change.MOVE : Change.NAME, false));
        }
        if (pairRole) {
          long ts = free(taken, lo + r.nextLong(hi - lo + 1));
          updates.add(new Update(ts, Change.MOVE_TYPO, false));
          updates.add(new Update(ts, Change.FIX_TYPO, false));
          tally.sameTimestampUpdates++;
          tally.planted.put(
              "same_timestamp_updates",
              "user " + p.userId + ": two updates at " + ts + " (the second fixes a typo)");
        }
        if (lateRole) {
          long t3 = Long.MAX_VALUE;
          for (Update u : updates) {
            if (u.change == Change.MOVE || u.change == Change.NAME) {
              t3 = Math.min(t3, u.ts);
            }
          }
          long t2 = tNew + (t3 - tNew) / 2;
          while (taken.contains(t2)) {
            t2--;
          }
          if (t2 <= endSec - 2 * 3_600) { // clearly late: 2 h or more before the span's end
            taken.add(t2);
            updates.add(new Update(t2, Change.MOVE, true));
            tally.planted.put(
                "late_profile_update",
                "user "
                    + p.userId
                    + ": update of "
                    + t2
                    + " sent at the end, after the update of "
                    + t3);
          }
        }
      }
      updates.sort(Comparator.comparingLong(u -> u.ts)); // stable: the typo pair keeps its order
      boolean intTs = p.index % 3 == 0;
      Profile image = p.profile;
      Scripted first = add(profileRecord(p, "new", tNew, intTs, image, tNew * SECOND + latency(r)));
      Scripted firstUpdate = null;
      tally.profileNews++;
      p.historyRows++;
      long previousArrival = 0;
      for (Update u : updates) {
        image = apply(u.change, image, r);
        long arrival =
            u.late
                ? endMs + 3 * HOUR
                : u.change == Change.FIX_TYPO ? previousArrival + 500 : u.ts * SECOND + latency(r);
        previousArrival = arrival;
        Scripted s = add(profileRecord(p, "update", u.ts, intTs, image, arrival));
        tally.profileUpdates++;
        if (u.change != Change.FIX_TYPO) {
          p.historyRows++;
        }
        if (u.late) {
          tally.late.merge(USER_INFO, 1, Integer::sum);
        } else if (firstUpdate == null && (u.change == Change.MOVE || u.change == Change.NAME)) {
          firstUpdate = s;
        }
      }
      if (p == role(ROLE_DUPLICATE_PROFILE)) {
        // the duplicated record is the user's first ordinary update, else the new
        duplicateSource = firstUpdate != null ? firstUpdate : first;
      }
      p.hasProfile = true;
      if (isDeleted) {
        add(
            deleteRecord(
                p.userId,
                p.keyless ? null : key(p.userId),
                tDelete,
                intTs,
                tDelete * SECOND + latency(r)));
        tally.profileDeletes++;
        tally.deletedUsers.add(p.userId);
        p.hasProfile = false;
        if (p == recreated) {
          long from = tDelete + 30 * 60;
          long to = Math.min(tDelete + 4 * 3600, endSec - 10 * 60);
          long tAgain = to > from ? from + r.nextLong(to - from + 1) : tDelete + 1;
          Profile again = apply(Change.MOVE, apply(Change.NAME, p.profile, r), r);
          add(profileRecord(p, "new", tAgain, intTs, again, tAgain * SECOND + latency(r)));
          tally.profileNews++;
          tally.recreatedUsers.add(p.userId);
          p.historyRows++;
          p.hasProfile = true;
          tally.planted.put(
              "recreated_user",
              "user " + p.userId + ": deleted at " + tDelete + ", new again at " + tAgain);
        }
      }
    }
    if (duplicateSource != null) {
      Scripted copy =
          new Scripted(
              duplicateSource.arrival + 2_000 + main.nextLong(1_000), duplicateSource.record);
      scripted.add(copy);
      tally.duplicates.merge(USER_INFO, 1, Integer::sum);
      tally.planted.put(
          "duplicated_profile", "user_info record sent twice: " + duplicateSource.record.value());
    }
    long orphanTs = startSec + spanSec / 2;
    add(
        deleteRecord(
            ORPHAN_USER_ID, key(ORPHAN_USER_ID), orphanTs, false, orphanTs * SECOND + 400));
    tally.profileDeletes++;
    tally.orphanDeletes++;
    tally.deletedUsers.add(ORPHAN_USER_ID);
    tally.deletedUsers.sort(null);
    tally.recreatedUsers.sort(null);
    tally.planted.put(
        "deleted_users", tally.deletedUsers + " (" + ORPHAN_USER_ID + " never had a profile)");
  }

  private static long free(Set<Long> taken, long ts) {
    while (!taken.add(ts)) {
      ts++;
    }
    return ts;
  }

  private Profile apply(Change change, Profile p, Rng r) {
    return switch (change) {
      case MOVE -> {
        int city = r.nextDouble() < 0.5 ? p.city : r.nextInt(CITIES.length);
        yield new Profile(
            p.dob, p.sex, p.gender, p.firstName, p.lastName, street(r), city, zip(r, city));
      }
      case MOVE_TYPO ->
          new Profile(
              p.dob, p.sex, p.gender, p.firstName, p.lastName, typo(street(r)), p.city, p.zip);
      case FIX_TYPO ->
          new Profile(
              p.dob, p.sex, p.gender, p.firstName, p.lastName, typo(p.street), p.city, p.zip);
      case NAME -> {
        String last = pick(r, LAST);
        if (last.equals(p.lastName)) {
          last = LAST[(Arrays.asList(LAST).indexOf(last) + 1) % LAST.length];
        }
        yield new Profile(p.dob, p.sex, p.gender, p.firstName, last, p.street, p.city, p.zip);
      }
    };
  }

  /** Swaps the 2nd and 3rd letters of the street name ("12 Oak St" to "12 Oka St"), and back. */
  private static String typo(String street) {
    int space = street.indexOf(' ');
    char[] c = street.toCharArray();
    char t = c[space + 2];
    c[space + 2] = c[space + 3];
    c[space + 3] = t;
    return new String(c);
  }

  private Scripted add(SimulatedRecord record, long arrival) {
    Scripted s = new Scripted(arrival, record);
    scripted.add(s);
    return s;
  }

  private Scripted add(Scripted s) {
    scripted.add(s);
    return s;
  }

  private Scripted profileRecord(
      Person p, String type, long tsSec, boolean intTs, Profile image, long arrival) {
    String ts = intTs ? Long.toString(tsSec) : tsSec + ".0";
    String value = profileJson(Long.toString(p.userId), type, ts, image);
    return new Scripted(
        arrival,
        new SimulatedRecord(USER_INFO, p.keyless ? null : key(p.userId), value, tsSec * SECOND));
  }

  private static Scripted deleteRecord(
      long userId, String key, long tsSec, boolean intTs, long arrival) {
    String ts = intTs ? Long.toString(tsSec) : tsSec + ".0";
    String value =
        "{\"user_id\": " + userId + ", \"update_type\": \"delete\", \"timestamp\": " + ts + "}";
    return new Scripted(arrival, new SimulatedRecord(USER_INFO, key, value, tsSec * SECOND));
  }

  /** A user_info value; a null token leaves its field out. */
  private static String profileJson(String userId, String type, String ts, Profile p) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"user_id\": ").append(userId);
    sb.append(", \"update_type\": \"").append(type).append('"');
    if (ts != null) {
      sb.append(", \"timestamp\": ").append(ts);
    }
    sb.append(", \"dob\": \"").append(DOB.format(p.dob)).append('"');
    sb.append(", \"sex\": \"").append(p.sex).append('"');
    sb.append(", \"gender\": \"").append(p.gender).append('"');
    sb.append(", \"first_name\": ").append(jsonString(p.firstName));
    sb.append(", \"last_name\": ").append(jsonString(p.lastName));
    sb.append(", \"address\": {\"street_address\": ").append(jsonString(p.street));
    sb.append(", \"city\": ").append(jsonString(CITIES[p.city][0]));
    sb.append(", \"state\": \"").append(CITIES[p.city][1]).append('"');
    sb.append(", \"zip\": ").append(p.zip).append("}}");
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------- workout

  private void scriptWorkouts(Session stopBeforeStart, Session duplicatedStart) {
    for (Person p : people) {
      Rng r = rng(TAG_WORKOUT, p.index);
      String key = p.keyless ? null : key(p.userId);
      for (Session s : p.sessions) {
        tally.sessions++;
        long startArrival = s.startMs + latency(r);
        SimulatedRecord start = workoutRecord(p, key, s, "start", s.startMs);
        if (s.stopMs > 0) {
          long stopArrival = s.stopMs + latency(r);
          add(workoutRecord(p, key, s, "stop", s.stopMs), stopArrival);
          tally.workoutRows++;
          if (s == stopBeforeStart) {
            startArrival = stopArrival + 1_000 + r.nextLong(3_000);
            tally.stopsBeforeStarts++;
            tally.outOfOrder.merge(WORKOUT, 1, Integer::sum);
            tally.planted.put("stop_before_start", describe(s) + ": the stop is sent first");
          }
        }
        add(start, startArrival);
        tally.workoutRows++;
        if (s == duplicatedStart) {
          add(start, startArrival + 1_000 + r.nextLong(2_000));
          tally.duplicatedStarts++;
          tally.duplicates.merge(WORKOUT, 1, Integer::sum);
          tally.planted.put("duplicated_start", describe(s) + ": the start is sent twice");
        }
        switch (s.kind) {
          case LONG -> {
            tally.longWorkouts++;
            tally.planted.put(
                "long_workout",
                describe(s) + ": " + (s.stopMs - s.startMs) / MINUTE + " minutes, not completed");
          }
          case UNFINISHED -> {
            tally.unfinishedWorkouts++;
            tally.planted.put("unfinished_workout", describe(s) + ": never stopped");
          }
          default -> tally.completedWorkouts++;
        }
      }
    }
  }

  private static SimulatedRecord workoutRecord(
      Person p, String key, Session s, String action, long timeMs) {
    StringBuilder sb = new StringBuilder(120);
    sb.append("{\"user_id\": ").append(p.userId);
    sb.append(", \"workout_id\": ").append(s.workoutId);
    sb.append(", \"timestamp\": ");
    appendSeconds(sb, timeMs);
    sb.append(", \"action\": \"").append(action).append('"');
    sb.append(", \"session_id\": ").append(s.sessionId).append('}');
    return new SimulatedRecord(WORKOUT, key, sb.toString(), timeMs);
  }

  private static String describe(Session s) {
    return "user "
        + s.person.userId
        + " workout "
        + s.workoutId
        + " session "
        + s.sessionId
        + " at "
        + Instant.ofEpochMilli(s.startMs);
  }

  // ---------------------------------------------------------------------------------- gym logins

  private String gymVisits() {
    Rng r = rng(TAG_GYM, 0);
    List<Visit> visits = new ArrayList<>();
    for (Person p : people) {
      for (Session s : p.sessions) {
        if (s.kind == Kind.MIDNIGHT) {
          long midnight = ceilDay(s.startMs) - DAY;
          long login = Math.floorDiv(midnight - 3 * MINUTE - r.nextLong(9 * MINUTE), SECOND);
          long logout = ceilSec(s.stopMs + 5 * MINUTE + r.nextLong(10 * MINUTE));
          addVisit(visits, new Visit(p, p.gym, login, logout, s));
        }
      }
    }
    for (Person p : people) {
      for (Session s : p.sessions) {
        if (s.kind == Kind.REGULAR && r.nextDouble() < 0.35) {
          long login = Math.floorDiv(s.startMs - 3 * MINUTE - r.nextLong(12 * MINUTE), SECOND);
          long logout = ceilSec(s.stopMs + 5 * MINUTE + r.nextLong(15 * MINUTE));
          String gym = r.nextDouble() < 0.9 ? p.gym : otherGym(p);
          addVisit(visits, new Visit(p, gym, login, logout, s));
        }
      }
    }
    // visits without a workout: a sauna, a class that was not tracked
    long spanMs = endMs - startMs;
    int extra = Math.max(1, users / 12);
    for (int k = 0; k < extra && spanMs > 2 * HOUR; k++) {
      Person p = people[r.nextInt(users)];
      for (int attempt = 0; attempt < 40; attempt++) {
        long in = startMs + r.nextLong(spanMs - 80 * MINUTE);
        long out = in + 25 * MINUTE + r.nextLong(25 * MINUTE);
        boolean clear = true;
        for (Session s : p.sessions) {
          if (in < s.activeEndMs + 10 * MINUTE && s.startMs - 10 * MINUTE < out) {
            clear = false;
          }
        }
        if (clear && addVisit(visits, new Visit(p, p.gym, in / SECOND, out / SECOND, null))) {
          break;
        }
      }
    }
    visits.sort(Comparator.comparingLong((Visit v) -> v.login).thenComparing(v -> v.person.mac));

    // expectations, from the contract's rules
    for (Visit v : visits) {
      int matches = 0;
      boolean crossesMidnight = false;
      for (Session s : v.person.sessions) {
        if (s.completed() && v.login * SECOND <= s.startMs && s.startMs <= v.logout * SECOND) {
          matches++;
          crossesMidnight |= Math.floorDiv(v.login * SECOND, DAY) != Math.floorDiv(s.startMs, DAY);
        }
      }
      tally.gymSummaryRows += matches;
      if (matches > 0) {
        tally.gymVisitsWithWorkout++;
      } else {
        tally.gymVisitsWithoutWorkout++;
      }
      if (crossesMidnight) {
        tally.midnightVisits++;
      }
      if (crossesMidnight && v.session != null && v.session.kind == Kind.MIDNIGHT) {
        tally.planted.put(
            "midnight_visit",
            v.person.mac
                + " at "
                + v.gym
                + " logs in at "
                + Instant.ofEpochSecond(v.login)
                + ", the workout starts after midnight");
      }
    }
    tally.gymVisits = visits.size();

    List<String> rows = new ArrayList<>();
    for (Visit v : visits) {
      rows.add(v.person.mac + "," + v.gym + "," + v.login + "," + v.logout);
    }
    // one visit logged twice: the first row read has the greater logout
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < visits.size(); i++) {
      if (visits.get(i).session != null && visits.get(i).session.kind == Kind.REGULAR) {
        candidates.add(i);
      }
    }
    if (!candidates.isEmpty()) {
      int i = candidates.get(r.nextInt(candidates.size()));
      Visit v = visits.get(i);
      long shorter = Math.max(v.login + 60, v.logout - 4 * 60 - r.nextLong(8 * 60));
      int at = Math.min(rows.size(), i + 1 + r.nextInt(4));
      rows.add(at, v.person.mac + "," + v.gym + "," + v.login + "," + shorter);
      tally.gymDuplicateRows++;
      tally.planted.put(
          "gym_visit_twice",
          v.person.mac
              + " "
              + v.gym
              + " login "
              + v.login
              + ": logouts "
              + v.logout
              + " then "
              + shorter);
    }
    tally.gymRows = rows.size();
    Person a = people[r.nextInt(users)];
    Person b = people[r.nextInt(users)];
    long someLogin = startMs / SECOND + 3_600;
    rows.add(
        rows.size() / 3,
        a.mac
            + ","
            + a.gym
            + ","
            + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.ofEpochSecond(someLogin).atOffset(ZoneOffset.UTC).toLocalDateTime())
            + ","
            + (someLogin + 2_700));
    rows.add(2 * rows.size() / 3, b.mac + "," + b.gym + "," + (someLogin + 7_200));
    tally.gymInvalidRows = 2;

    StringBuilder csv = new StringBuilder(GYM_LOGINS_HEADER).append('\n');
    rows.forEach(row -> csv.append(row).append('\n'));
    return csv.toString();
  }

  private static boolean addVisit(List<Visit> visits, Visit v) {
    for (Visit o : visits) {
      if (o.person == v.person && v.login <= o.logout + 60 && o.login <= v.logout + 60) {
        return false;
      }
    }
    visits.add(v);
    return true;
  }

  private static String otherGym(Person p) {
    String city = CITIES[p.profile.city][0];
    return p.gym.endsWith("Downtown") ? city + " Northside" : city + " Downtown";
  }

  // ----------------------------------------------------------------------------------
  // registrations

  private String registrations() {
    Rng r = rng(TAG_REGISTRATION, 0);
    List<String> rows = new ArrayList<>();
    for (Person p : people) {
      rows.add(p.userId + "," + p.deviceId + "," + p.mac + "," + p.registeredSec);
    }
    int repeats = reregisteredCount();
    List<String> late = new ArrayList<>();
    List<String> who = new ArrayList<>();
    for (int k = 0; k < repeats; k++) {
      Person p = role(ROLE_DELETED + deletedCount() + k);
      if (who.contains(Long.toString(p.userId))) {
        continue;
      }
      long device = FIRST_DEVICE_ID + users + k;
      String mac = uniqueMac(r, macs);
      long again = p.registeredSec + 86_400 + r.nextLong(8 * 86_400);
      String row = p.userId + "," + device + "," + mac + "," + again;
      if (k == 0) {
        rows.add(
            rows.indexOf(p.userId + "," + p.deviceId + "," + p.mac + "," + p.registeredSec), row);
      } else {
        late.add(row);
      }
      who.add(Long.toString(p.userId));
    }
    rows.addAll(late);
    tally.registrationRows = rows.size();
    tally.repeatedRegistrations = who.size();
    tally.planted.put("registered_twice", "users " + who + " (the later row is ignored)");
    StringBuilder csv = new StringBuilder(REGISTRATIONS_HEADER).append('\n');
    rows.forEach(row -> csv.append(row).append('\n'));
    return csv.toString();
  }

  // ---------------------------------------------------------------------------------- bpm

  /** Resolves the planted readings to reading numbers of their devices, and counts the readings. */
  private Plant[][] plantReadings(Session exponent, Session late1, Session late2) {
    Rng r = rng(TAG_PLANTS, 0);
    List<List<Request>> requests = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      requests.add(new ArrayList<>());
    }
    long span = endMs - startMs;
    Session[] lates = {late1, late2};
    for (int k = 0; k < 2; k++) {
      Session s = lates[k];
      if (s != null) {
        long dur = s.stopMs - s.startMs;
        long from = s.startMs + dur * 3 / 10;
        Request q = new Request(LATE, from, 1, 0, s.stopMs - dur / 10);
        q.window = Math.min(3 * MINUTE, dur * 4 / 10);
        q.param = endMs + 2 * HOUR + k * 17 * MINUTE;
        q.session = s;
        requests.get(s.person.index).add(q);
      }
    }
    if (exponent != null) {
      Request q = new Request(EXPONENT, exponent.startMs + 2 * MINUTE, 1, 0, exponent.stopMs);
      q.session = exponent;
      requests.get(exponent.person.index).add(q);
    }
    int base = 10;
    Person burst = role(base++);
    Request batch = new Request(RESENT, startMs + span * 45 / 100, 20, 0, 0);
    batch.param = 1;
    requests.get(burst.index).add(batch);
    Person retried = role(base++);
    Request thrice = new Request(RESENT, startMs + span * 60 / 100, 1, 0, 0);
    thrice.param = 3;
    requests.get(retried.index).add(thrice);
    for (int k = 0; k < OUT_OF_RANGE.length; k++) {
      Request q = new Request(OUT_OF_RANGE_VALUE, startMs + span * (15 + 20 * k) / 100, 1, 0, 0);
      q.param = k;
      requests.get(role(base++).index).add(q);
    }
    int delayed = Math.max(4, users / 10);
    for (int k = 0; k < delayed; k++) {
      long target =
          startMs + span / 10 + span * 8 / 10 * k / delayed + r.nextLong(Math.max(1, span / 50));
      Request q = new Request(DELAYED, target, 1, 2, 0);
      q.param = (long) Math.max(3 * intervalMs, 5_000) + r.nextLong((long) (5 * intervalMs) + 1);
      requests.get(role(base++).index).add(q);
    }

    Plant[][] result = new Plant[users][];
    for (Person p : people) {
      long[] times = readingTimes(p);
      tally.bpmReadings += times.length;
      boolean[] claimed = new boolean[times.length];
      List<Plant> list = new ArrayList<>();
      for (Request q : requests.get(p.index)) {
        int i = lowerBound(times, q.target);
        int len = q.length;
        if (q.kind == LATE) {
          len = lowerBound(times, q.target + q.window) - i;
        }
        if (len <= 0) {
          continue;
        }
        int found = -1;
        for (; i + len + q.guard <= times.length; i++) {
          if (q.until > 0 && times[i + len - 1] >= q.until) {
            break;
          }
          boolean clear = true;
          for (int j = i; j < i + len + q.guard && clear; j++) {
            clear = !claimed[j];
          }
          if (clear) {
            found = i;
            break;
          }
        }
        if (found < 0) {
          continue;
        }
        for (int j = found; j < found + len + q.guard; j++) {
          claimed[j] = true;
        }
        for (int j = 0; j < len; j++) {
          switch (q.kind) {
            case LATE -> list.add(new Plant(found + j, LATE, q.param + j * 20L, null));
            case RESENT -> list.add(new Plant(found + j, RESENT, q.param, null));
            case DELAYED -> list.add(new Plant(found + j, DELAYED, q.param, null));
            case OUT_OF_RANGE_VALUE ->
                list.add(new Plant(found + j, OUT_OF_RANGE_VALUE, 0, OUT_OF_RANGE[(int) q.param]));
            default -> list.add(new Plant(found + j, EXPONENT, 0, EXPONENT_HEARTRATE));
          }
        }
        String where = "device " + p.deviceId + " at " + Instant.ofEpochMilli(times[found]);
        switch (q.kind) {
          case LATE -> {
            tally.late.merge(BPM, len, Integer::sum);
            tally.planted.merge(
                "late_bpm",
                len + " readings of " + describe(q.session) + ", " + where + ", sent at the end",
                (x, y) -> x + "; " + y);
          }
          case RESENT -> {
            tally.duplicates.merge(BPM, (int) (len * q.param), Integer::sum);
            tally.planted.merge(
                "resent_bpm",
                len + " readings sent " + (q.param + 1) + " times, " + where,
                (x, y) -> x + "; " + y);
          }
          case DELAYED -> tally.outOfOrder.merge(BPM, 1, Integer::sum);
          case OUT_OF_RANGE_VALUE -> {
            tally.outOfRange++;
            tally.planted.merge(
                "out_of_range_bpm",
                OUT_OF_RANGE[(int) q.param] + " " + where,
                (x, y) -> x + "; " + y);
          }
          default -> {
            tally.exponentNumbers++;
            tally.planted.put("exponent_number", "heartrate " + EXPONENT_HEARTRATE + ", " + where);
          }
        }
      }
      list.sort(Comparator.comparingInt(Plant::index));
      result[p.index] = list.toArray(new Plant[0]);
    }
    return result;
  }

  private long[] readingTimes(Person p) {
    if (intervalMs <= 0) {
      return new long[0];
    }
    Rng r = rng(TAG_TIME, p.index);
    long[] times = new long[1024];
    int n = 0;
    for (long t = firstReading(p, r); t < endMs; t = nextReading(t, r)) {
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
      }
      times[n++] = t;
    }
    return Arrays.copyOf(times, n);
  }

  private long firstReading(Person p, Rng timeRng) {
    return p.onboardMs + SECOND + (long) (timeRng.nextDouble() * intervalMs);
  }

  private long nextReading(long t, Rng timeRng) {
    return t + Math.max(1, Math.round(intervalMs * (0.8 + 0.4 * timeRng.nextDouble())));
  }

  /** One device's state while {@link #generate} runs. */
  private final class Device {
    final Person person;
    final String key;
    final Session[] sessions;
    final Plant[] plants;
    final Rng timeRng;
    final Rng heartRng;
    long next;
    int index;
    int session;
    int plant;
    double heartRate;
    long lastArrival = Long.MIN_VALUE;

    Device(Person p) {
      this.person = p;
      this.key = p.keyless ? null : key(p.deviceId);
      this.sessions = p.sessions.toArray(new Session[0]);
      this.plants = StreamSimulator.this.plants[p.index];
      this.timeRng = rng(TAG_TIME, p.index);
      this.heartRng = rng(TAG_HEART, p.index);
      this.next = intervalMs > 0 ? firstReading(p, timeRng) : Long.MAX_VALUE;
      this.heartRate = p.restBase;
    }

    void emit(StringBuilder sb, PriorityQueue<Pending> queue, long[] seq) {
      long t = next;
      while (session < sessions.length && sessions[session].activeEndMs < t) {
        session++;
      }
      Session active =
          session < sessions.length && sessions[session].startMs < t ? sessions[session] : null;
      double target;
      double lo;
      double hi;
      if (active != null) {
        target = active.intensity;
        lo = 110;
        hi = 170;
      } else {
        long hour = Math.floorMod(t, DAY) / HOUR;
        target = person.restBase - (hour >= 6 && hour < 13 ? 7 : 0); // night in the Americas
        lo = 55;
        hi = 85;
      }
      heartRate += (target - heartRate) * 0.06 + (heartRng.nextDouble() - 0.5) * 3.0;
      heartRate = Math.max(lo, Math.min(hi, heartRate));
      long latency = 150 + (long) (heartRng.nextDouble() * 1_200);

      Plant p = plant < plants.length && plants[plant].index == index ? plants[plant++] : null;
      sb.setLength(0);
      sb.append("{\"device_id\": ").append(person.deviceId).append(", \"time\": ");
      appendSeconds(sb, t);
      sb.append(", \"heartrate\": ");
      if (p != null && p.text != null) {
        sb.append(p.text);
      } else {
        long tenths = Math.round(heartRate * 10);
        sb.append(tenths / 10).append('.').append((char) ('0' + tenths % 10));
      }
      sb.append('}');
      SimulatedRecord record = new SimulatedRecord(BPM, key, sb.toString(), t);
      long arrival;
      if (p != null && p.kind == LATE) {
        arrival = p.param;
      } else if (p != null && p.kind == DELAYED) {
        arrival = t + latency + p.param;
      } else {
        arrival = Math.max(t + latency, lastArrival);
        lastArrival = arrival;
      }
      queue.add(new Pending(arrival, seq[0]++, record));
      if (p != null && p.kind == RESENT) {
        for (int c = 1; c <= p.param; c++) {
          queue.add(new Pending(arrival + 2_000 + c * 1_500L, seq[0]++, record));
        }
      }
      index++;
      next = nextReading(t, timeRng);
    }
  }

  // ---------------------------------------------------------------------------------- invalid

  private void scriptInvalid() {
    Rng r = rng(TAG_INVALID, 0);
    Person a = people[r.nextInt(users)];
    Person b = people[r.nextInt(users)];
    Person c = people[r.nextInt(users)];
    long span = endMs - startMs;
    List<String[]> items = new ArrayList<>(); // topic, kind, key, value (time filled in below)
    String ua = Long.toString(a.userId);
    items.add(new String[] {USER_INFO, "not_json", ua, null});
    items.add(new String[] {USER_INFO, "json_array", ua, null});
    items.add(new String[] {USER_INFO, "missing_field", ua, null});
    items.add(new String[] {USER_INFO, "string_number", ua, null});
    items.add(new String[] {USER_INFO, "unknown_update_type", ua, null});
    String ub = Long.toString(b.userId);
    items.add(new String[] {WORKOUT, "not_json", ub, null});
    items.add(new String[] {WORKOUT, "json_array", null, null});
    items.add(new String[] {WORKOUT, "missing_field", ub, null});
    items.add(new String[] {WORKOUT, "string_number", ub, null});
    items.add(new String[] {WORKOUT, "unknown_action", ub, null});
    String dc = Long.toString(c.deviceId);
    items.add(new String[] {BPM, "not_json", null, null});
    items.add(new String[] {BPM, "json_array", dc, null});
    items.add(new String[] {BPM, "missing_field", dc, null});
    items.add(new String[] {BPM, "string_number", dc, null});
    for (int k = 0; k < items.size(); k++) {
      String[] item = items.get(k);
      long at = startMs + span * (k + 1) / (items.size() + 1) + r.nextLong(Math.max(1, span / 100));
      long sec = Math.floorDiv(at, SECOND);
      String ts = sec + ".0";
      String tms = seconds(at);
      long session = b.sessions.isEmpty() ? 1 : b.sessions.get(b.sessions.size() - 1).sessionId + 1;
      String value =
          switch (item[0] + "/" + item[1]) {
            case USER_INFO + "/not_json" -> {
              String full = profileJson(ua, "update", ts, a.profile);
              yield full.substring(0, full.length() * 3 / 5);
            }
            case USER_INFO + "/json_array" -> "[" + profileJson(ua, "update", ts, a.profile) + "]";
            case USER_INFO + "/missing_field" -> profileJson(ua, "update", null, a.profile);
            case USER_INFO + "/string_number" ->
                profileJson(ua, "update", "\"" + ts + "\"", a.profile);
            case USER_INFO + "/unknown_update_type" -> profileJson(ua, "upsert", ts, a.profile);
            case WORKOUT + "/not_json" ->
                "user_id="
                    + ub
                    + "&workout_id=2&timestamp="
                    + tms
                    + "&action=start&session_id="
                    + session;
            case WORKOUT + "/json_array" ->
                "[" + ub + ", 2, " + tms + ", \"start\", " + session + "]";
            case WORKOUT + "/missing_field" ->
                "{\"user_id\": "
                    + ub
                    + ", \"workout_id\": 2, \"timestamp\": "
                    + tms
                    + ", \"action\": \"start\"}";
            case WORKOUT + "/string_number" ->
                "{\"user_id\": "
                    + ub
                    + ", \"workout_id\": 2, \"timestamp\": "
                    + tms
                    + ", \"action\": \"start\", \"session_id\": \""
                    + session
                    + "\"}";
            case WORKOUT + "/unknown_action" ->
                "{\"user_id\": "
                    + ub
                    + ", \"workout_id\": 2, \"timestamp\": "
                    + tms
                    + ", \"action\": \"pause\", \"session_id\": "
                    + session
                    + "}";
            case BPM + "/not_json" -> "{\"device_id\": " + dc + ", \"time\": " + tms + ", \"heartr";
            case BPM + "/json_array" ->
                "[{\"device_id\": "
                    + dc
                    + ", \"time\": "
                    + tms
                    + ", \"heartrate\": 71.2}, "
                    + "{\"device_id\": "
                    + dc
                    + ", \"time\": "
                    + seconds(at + 5_000)
                    + ", \"heartrate\": 70.8}]";
            case BPM + "/missing_field" -> "{\"device_id\": " + dc + ", \"time\": " + tms + "}";
            default -> "{\"device_id\": " + dc + ", \"time\": " + tms + ", \"heartrate\": \"112\"}";
          };
      add(new SimulatedRecord(item[0], item[2], value, at), at);
      tally.invalid.merge(item[0], 1, Integer::sum);
      tally.invalidKinds.merge(item[1], 1, Integer::sum);
    }
  }

  // ---------------------------------------------------------------------------------- plan

  private SimulationPlan buildPlan() {
    Map<String, Long> records = topics(0L);
    for (Scripted s : scripted) {
      records.merge(s.record.topic(), 1L, Long::sum);
    }
    records.merge(BPM, tally.bpmReadings + tally.duplicates.getOrDefault(BPM, 0), Long::sum);
    int profileRows = 0;
    int historyRows = 0;
    for (Person p : people) {
      profileRows += p.hasProfile ? 1 : 0;
      historyRows += p.historyRows;
    }
    return new SimulationPlan(
        seed,
        users,
        Instant.ofEpochMilli(startMs),
        Instant.ofEpochMilli(endMs),
        bpmPerMinute,
        records,
        complete(tally.invalid),
        tally.invalidKinds,
        complete(tally.duplicates),
        complete(tally.outOfOrder),
        complete(tally.late),
        tally.exponentNumbers,
        tally.profileNews,
        tally.profileUpdates,
        tally.profileDeletes,
        tally.sameTimestampUpdates,
        tally.deletedUsers,
        tally.recreatedUsers,
        tally.orphanDeletes,
        profileRows,
        historyRows,
        tally.sessions,
        tally.workoutRows,
        tally.completedWorkouts,
        tally.longWorkouts,
        tally.unfinishedWorkouts,
        tally.stopsBeforeStarts,
        tally.duplicatedStarts,
        tally.bpmReadings,
        tally.outOfRange,
        tally.registrationRows,
        tally.repeatedRegistrations,
        tally.gymRows,
        tally.gymVisits,
        tally.gymDuplicateRows,
        tally.gymInvalidRows,
        tally.gymVisitsWithWorkout,
        tally.gymVisitsWithoutWorkout,
        tally.midnightVisits,
        tally.gymSummaryRows,
        tally.planted);
  }

  private static <V> Map<String, V> topics(V zero) {
    Map<String, V> map = new LinkedHashMap<>();
    for (String t : TOPICS) {
      map.put(t, zero);
    }
    return map;
  }

  private static Map<String, Integer> complete(Map<String, Integer> counts) {
    Map<String, Integer> map = topics(0);
    map.putAll(counts);
    return map;
  }

  // ---------------------------------------------------------------------------------- helpers

  private Rng rng(int tag, long index) {
    return new Rng(Rng.mix(seed * 0x9E3779B97F4A7C15L + Rng.mix(tag * 0x100000001B3L + index)));
  }

  private static String key(long id) {
    return Long.toString(id);
  }

  private static long latency(Rng r) {
    return 100 + r.nextLong(800);
  }

  private static long ceilDay(long ms) {
    return Math.floorDiv(ms + DAY - 1, DAY) * DAY;
  }

  private static long ceilSec(long ms) {
    return Math.floorDiv(ms + SECOND - 1, SECOND);
  }

  private static int lowerBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Epoch seconds with up to 3 decimals, at least one: 1763283605.0, 1763283605.12. */
  static void appendSeconds(StringBuilder sb, long millis) {
    long s = Math.floorDiv(millis, SECOND);
    int ms = (int) Math.floorMod(millis, SECOND);
    sb.append(s).append('.').append((char) ('0' + ms / 100));
    if (ms % 100 != 0) {
      sb.append((char) ('0' + ms / 10 % 10));
      if (ms % 10 != 0) {
        sb.append((char) ('0' + ms % 10));
      }
    }
  }

  private static String seconds(long millis) {
    StringBuilder sb = new StringBuilder(16);
    appendSeconds(sb, millis);
    return sb.toString();
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String pick(Rng r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String street(Rng r) {
    return (1 + r.nextInt(2_400)) + " " + pick(r, STREETS) + " " + pick(r, SUFFIXES);
  }

  private static int zip(Rng r, int city) {
    return Integer.parseInt(CITIES[city][2]) + r.nextInt(20);
  }

  private static String uniqueMac(Rng r, Set<String> taken) {
    while (true) {
      StringBuilder sb = new StringBuilder(17);
      for (int i = 0; i < 6; i++) {
        int b = r.nextInt(256);
        if (i == 0) {
          b &= 0xfe; // unicast
        }
        if (i > 0) {
          sb.append(':');
        }
        sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
      }
      if (taken.add(sb.toString())) {
        return sb.toString();
      }
    }
  }

  private static int weighted(Rng r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static <T> void shuffle(List<T> list, Rng r) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  // ---------------------------------------------------------------------------------- types

  /** SplitMix64: small, fast, and the same numbers on every JVM. */
  private static final class Rng {
    private long state;

    Rng(long seed) {
      this.state = seed;
    }

    static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    long nextLong() {
      state += 0x9E3779B97F4A7C15L;
      return mix(state);
    }

    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), bound > 0. */
    long nextLong(long bound) {
      return (long) (nextDouble() * bound);
    }

    int nextInt(int bound) {
      return (int) (nextDouble() * bound);
    }
  }

  private enum Kind {
    REGULAR,
    LONG,
    UNFINISHED,
    MIDNIGHT
  }

  private enum Change {
    MOVE,
    NAME,
    MOVE_TYPO,
    FIX_TYPO
  }

  private record Update(long ts, Change change, boolean late) {}

  private record Profile(
      LocalDate dob,
      String sex,
      String gender,
      String firstName,
      String lastName,
      String street,
      int city,
      int zip) {}

  private record Visit(Person person, String gym, long login, long logout, Session session) {}

  private record Plant(int index, byte kind, long param, String text) {}

  private record Scripted(long arrival, SimulatedRecord record) {}

  private static final class Request {
    final byte kind;
    final long target;
    final int length;
    final int guard;
    final long until;
    long window;
    long param;
    Session session;

    Request(byte kind, long target, int length, int guard, long until) {
      this.kind = kind;
      this.target = target;
      this.length = length;
      this.guard = guard;
      this.until = until;
    }
  }

  private static final class Pending implements Comparable<Pending> {
    final long arrival;
    final long seq;
    final SimulatedRecord record;

    Pending(long arrival, long seq, SimulatedRecord record) {
      this.arrival = arrival;
      this.seq = seq;
      this.record = record;
    }

    @Override
    public int compareTo(Pending o) {
      int c = Long.compare(arrival, o.arrival);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private static final class Person {
    final int index;
    final long userId;
    final long deviceId;
    final boolean keyless;
    final List<Session> sessions = new ArrayList<>();
    Profile profile;
    double restBase;
    double fitness;
    int[] favorites;
    String gym;
    String mac;
    long registeredSec;
    long onboardMs;
    boolean hasProfile;
    int historyRows;

    Person(int index, boolean keyless) {
      this.index = index;
      this.userId = FIRST_USER_ID + index;
      this.deviceId = FIRST_DEVICE_ID + index;
      this.keyless = keyless;
    }
  }

  private static final class Session {
    final Person person;
    final int workoutId;
    final long startMs;
    final long stopMs; // -1: the stop is never sent
    final long activeEndMs; // when the user really stops exercising
    final Kind kind;
    final double intensity;
    long sessionId;

    Session(
        Person person,
        int workoutId,
        long startMs,
        long stopMs,
        long activeEndMs,
        Kind kind,
        Rng r) {
      this.person = person;
      this.workoutId = workoutId;
      this.startMs = startMs;
      this.stopMs = stopMs;
      this.activeEndMs = activeEndMs;
      this.kind = kind;
      this.intensity = WORKOUT_BPM[workoutId - 1] + person.fitness + r.nextDouble() * 10 - 5;
    }

    boolean completed() {
      return stopMs > startMs && stopMs < startMs + 3 * HOUR;
    }
  }

  private static final class Tally {
    final Map<String, Integer> invalid = new LinkedHashMap<>();
    final Map<String, Integer> invalidKinds = new LinkedHashMap<>();
    final Map<String, Integer> duplicates = new LinkedHashMap<>();
    final Map<String, Integer> outOfOrder = new LinkedHashMap<>();
    final Map<String, Integer> late = new LinkedHashMap<>();
    final Map<String, String> planted = new LinkedHashMap<>();
    final List<Long> deletedUsers = new ArrayList<>();
    final List<Long> recreatedUsers = new ArrayList<>();
    int exponentNumbers;
    int profileNews;
    int profileUpdates;
    int profileDeletes;
    int sameTimestampUpdates;
    int orphanDeletes;
    int sessions;
    int workoutRows;
    int completedWorkouts;
    int longWorkouts;
    int unfinishedWorkouts;
    int stopsBeforeStarts;
    int duplicatedStarts;
    long bpmReadings;
    int outOfRange;
    int registrationRows;
    int repeatedRegistrations;
    int gymRows;
    int gymVisits;
    int gymDuplicateRows;
    int gymInvalidRows;
    int gymVisitsWithWorkout;
    int gymVisitsWithoutWorkout;
    int midnightVisits;
    int gymSummaryRows;
  }
}
