package io.fitbitpipeline.core.lakehouse;

import static io.fitbitpipeline.core.lakehouse.LakehouseSource.BPM;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.GYM_LOGINS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.REGISTRATIONS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.USER_INFO;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.WORKOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lakehouse.silver.SilverResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract's rules (LAKEHOUSE_FORMAT.md) on hand-made records with known answers, across three
 * runs against a real Kafka broker, PostgreSQL and S3-API server: duplicates, out-of-order and late
 * records, deletes and SCD2 history, the 3-hour rule, readings outside 20-250, a stop one run
 * later, a reading a day late inside a completed workout, invalid records of every kind, and a
 * rerun with nothing new.
 */
class LakehouseIntegrationTest {
  /** 2025-11-16 09:00:00 UTC. */
  private static final long T = 1763283600L;

  private LakehouseFixture lh;

  @BeforeEach
  void freshLakehouse() throws Exception {
    lh = new LakehouseFixture();
  }

  @AfterEach
  void close() {
    lh.close();
  }

  private static String profile(
      long user, String type, long time, String dob, String gender, String city) {
    return "{\"user_id\": "
        + user
        + ", \"update_type\": \""
        + type
        + "\", \"timestamp\": "
        + time
        + ".0, \"dob\": \""
        + dob
        + "\", \"sex\": \""
        + gender
        + "\", \"gender\": \""
        + gender
        + "\", \"first_name\": \"Ana\", \"last_name\": \"Lee\", \"address\":"
        + " {\"street_address\": \"1 Main St\", \"city\": \""
        + city
        + "\", \"state\": \"TX\", \"zip\": 73301}}";
  }

  private static String workout(long user, long workout, long session, String action, long time) {
    return "{\"user_id\": "
        + user
        + ", \"workout_id\": "
        + workout
        + ", \"timestamp\": "
        + time
        + ", \"action\": \""
        + action
        + "\", \"session_id\": "
        + session
        + "}";
  }

  private static String bpm(long device, double time, String heartrate) {
    return "{\"device_id\": "
        + device
        + ", \"time\": "
        + time
        + ", \"heartrate\": "
        + heartrate
        + "}";
  }

  private void firstRun() throws Exception {
    lh.landing(
        REGISTRATIONS,
        "r1.csv",
        "user_id,device_id,mac_address,registration_timestamp\n"
            + "1,101,aa:01,1763200000\n"
            + "1,999,aa:99,1763250000\n"
            + "2,102,aa:02,1763200000\n"
            + "x,1,aa:03,1\n"
            + "3,103\n");
    lh.landing(
        GYM_LOGINS,
        "g1.csv",
        "mac_address,gym,login,logout\n"
            + "aa:01,5,"
            + (T - 600)
            + ","
            + (T + 2400)
            + "\naa:01,5,"
            + (T - 600)
            + ","
            + (T + 3000)
            + "\naa:02,5,"
            + T
            + ","
            + (T + 60)
            + "\naa:01,5,notanumber,2\n");
    // Profiles: an update sent twice (a duplicate), a user created and deleted.
    lh.send(USER_INFO, 0, "1", profile(1, "new", T - 1000, "09/13/1997", "F", "Austin"));
    lh.send(USER_INFO, 0, "1", profile(1, "update", T - 500, "09/13/1997", "F", "Dallas"));
    lh.send(USER_INFO, 0, "1", profile(1, "update", T - 500, "09/13/1997", "F", "Dallas"));
    lh.send(USER_INFO, 1, "2", profile(2, "new", T - 1000, "01/01/1950", "M", "Austin"));
    lh.send(USER_INFO, 1, "3", profile(3, "new", T - 900, "05/05/2010", "F", "Waco"));
    lh.send(
        USER_INFO,
        1,
        "3",
        "{\"user_id\": 3, \"update_type\": \"delete\", \"timestamp\": " + (T - 800) + "}");
    // Workouts: completed; over 3 hours; stop one run later; stop sent before its start; a
    // duplicated start.
    lh.send(WORKOUT, 0, "1", workout(1, 3, 1, "start", T));
    lh.send(WORKOUT, 0, "1", workout(1, 3, 1, "start", T));
    lh.send(WORKOUT, 0, "1", workout(1, 3, 1, "stop", T + 1800));
    lh.send(WORKOUT, 0, "1", workout(1, 3, 2, "start", T + 4000));
    lh.send(WORKOUT, 0, "1", workout(1, 3, 2, "stop", T + 4000 + 3 * 3600 + 1));
    lh.send(WORKOUT, 1, "2", workout(2, 4, 3, "start", T + 100));
    lh.send(WORKOUT, 0, "1", workout(1, 3, 4, "stop", T + 9000));
    lh.send(WORKOUT, 1, "1", workout(1, 3, 4, "start", T + 8000));
    // Readings: at the start (excluded) and the end (included) of workout 1, one out of range,
    // one sent twice with another value on a higher partition (that one wins), one outside.
    lh.send(BPM, 0, "101", bpm(101, T, "100"));
    lh.send(BPM, 0, "101", bpm(101, T + 60, "120"));
    lh.send(BPM, 0, "101", bpm(101, T + 120, "300"));
    lh.send(BPM, 1, "101", bpm(101, T + 180, "131"));
    lh.send(BPM, 0, "101", bpm(101, T + 180, "130"));
    lh.send(BPM, 0, "101", bpm(101, T - 300, "70"));
    lh.send(BPM, 0, "101", bpm(101, T + 1800, "140"));
    lh.send(BPM, 0, "101", bpm(101, T + 8500, "150"));
    lh.send(BPM, 1, "102", bpm(102, T + 200, "110"));
    lh.send(BPM, 1, "102", bpm(102, T + 250, "115"));
    lh.send(BPM, 1, "102", bpm(102, T + 260, "1.125e2"));
    // Invalid records of every kind.
    lh.send(BPM, 0, null, "not json");
    lh.send(BPM, 0, null, "[1, 2]");
    lh.send(BPM, 0, null, "{\"device_id\": 101, \"time\": " + T + "}");
    lh.send(BPM, 0, null, "{\"device_id\": 101, \"time\": " + T + ", \"heartrate\": \"112\"}");
    lh.send(
        USER_INFO,
        0,
        "1",
        "{\"user_id\": 1, \"update_type\": \"upsert\", \"timestamp\": " + T + "}");
    lh.send(WORKOUT, 0, "1", workout(1, 3, 9, "pause", T));
  }

  @Test
  void contractRulesAcrossRunsWithLateAndOutOfOrderRecords() throws Exception {
    firstRun();
    LakehouseFixture.Cycle first = lh.cycle("run1");

    // Bronze: every record exactly once; the accounting adds up per source.
    assertEquals(31, lh.count("SELECT COUNT(*) FROM bronze.kafka_records"));
    assertEquals(15, first.ingested(lh.topic(BPM)));
    assertEquals(7, first.ingested(lh.topic(USER_INFO)));
    assertEquals(6 + 5, lh.count("SELECT COUNT(*) FROM bronze.landing_rows"));
    for (SilverResult.SourceCounts n : first.silver().sources().values()) {
      assertEquals(n.records(), n.used() + n.duplicates() + n.rejected(), n.toString());
    }
    SilverResult.SourceCounts bpmCounts = first.silver().sources().get(lh.topic(BPM));
    assertEquals(new SilverResult.SourceCounts(15, 10, 1, 4), bpmCounts);
    assertEquals(
        new SilverResult.SourceCounts(7, 5, 1, 1),
        first.silver().sources().get(lh.topic(USER_INFO)));

    assertEquals(
        List.of("1|101|aa:01|2025-11-15 09:46:40", "2|102|aa:02|2025-11-15 09:46:40"),
        lh.rows("SELECT * FROM silver.users ORDER BY user_id"));
    assertEquals(
        List.of(
            "101|2025-11-16 08:55:00|70|t",
            "101|2025-11-16 09:00:00|100|t",
            "101|2025-11-16 09:01:00|120|t",
            "101|2025-11-16 09:02:00|300|f",
            "101|2025-11-16 09:03:00|131|t",
            "101|2025-11-16 09:30:00|140|t",
            "101|2025-11-16 11:21:40|150|t",
            "102|2025-11-16 09:03:20|110|t",
            "102|2025-11-16 09:04:10|115|t",
            "102|2025-11-16 09:04:20|112.5|t"),
        lh.rows("SELECT * FROM silver.heart_rate ORDER BY device_id, time"));
    assertEquals(
        List.of(
            "1|3|1|2025-11-16 09:00:00|2025-11-16 09:30:00",
            "1|3|4|2025-11-16 11:13:20|2025-11-16 11:30:00"),
        lh.rows("SELECT * FROM silver.completed_workouts ORDER BY 1, 2, 3"));
    assertEquals(
        List.of(
            "1|2025-11-16 09:01:00|120",
            "1|2025-11-16 09:03:00|131",
            "1|2025-11-16 09:30:00|140",
            "4|2025-11-16 11:21:40|150"),
        lh.rows("SELECT session_id, time, heartrate FROM silver.workout_bpm ORDER BY 1, 2"));
    assertEquals(
        List.of("1|Dallas|2025-11-16 08:51:40", "2|Austin|2025-11-16 08:43:20"),
        lh.rows("SELECT user_id, city, updated_at FROM silver.user_profile ORDER BY 1"));
    assertEquals(
        List.of(
            "1|Austin|2025-11-16 08:43:20|2025-11-16 08:51:40|f",
            "1|Dallas|2025-11-16 08:51:40|null|t",
            "2|Austin|2025-11-16 08:43:20|null|t",
            "3|Waco|2025-11-16 08:45:00|2025-11-16 08:46:40|f"),
        lh.rows(
            "SELECT user_id, city, valid_from, valid_to, is_current FROM"
                + " silver.user_profile_history ORDER BY 1, 3"));
    assertEquals(
        List.of(
            "aa:01|5|2025-11-16 08:50:00|2025-11-16 09:50:00",
            "aa:02|5|2025-11-16 09:00:00|2025-11-16 09:01:00"),
        lh.rows("SELECT * FROM silver.gym_logs ORDER BY 1"));
    assertEquals(
        List.of(
            "1|3|1|25-35|F|Dallas|TX|120|130.333|140|3",
            "1|3|4|25-35|F|Dallas|TX|150|150.000|150|1"),
        lh.rows(
            "SELECT user_id, workout_id, session_id, age, gender, city, state, min_bpm,"
                + " ROUND(CAST(avg_bpm AS NUMERIC), 3), max_bpm, num_recordings"
                + " FROM gold.workout_bpm_summary ORDER BY 1, 2, 3"));
    assertEquals(
        List.of("2025-11-16|5|aa:01|3|1|60|30"),
        lh.rows("SELECT * FROM gold.gym_summary ORDER BY 1, 2, 3, 4, 5"));
    assertEquals(
        List.of(
            lh.topic(BPM) + "|4",
            "gym_logins|1",
            "registrations|2",
            lh.topic(USER_INFO) + "|1",
            lh.topic(WORKOUT) + "|1"),
        lh.rows("SELECT source, COUNT(*) FROM silver.rejected_records GROUP BY source ORDER BY 1"));
    List<String> reasons = lh.rows("SELECT reason FROM silver.rejected_records ORDER BY 1");
    for (String expected :
        List.of(
            "not JSON",
            "not a JSON object: array",
            "missing field 'heartrate'",
            "field 'heartrate' is not a JSON number",
            "unknown update_type \"upsert\"",
            "unknown action \"pause\"",
            "landing/registrations/r1.csv line 5: user_id is not a number",
            "landing/registrations/r1.csv line 6: expected 4 comma-separated fields, found 2",
            "landing/gym_logins/g1.csv line 5: login is not a number")) {
      assertTrue(
          reasons.stream().anyMatch(r -> r.startsWith(expected)), expected + " in " + reasons);
    }
    assertEquals(
        List.of(lh.topic(BPM) + "|0|7|not json"),
        lh.rows(
            "SELECT source, \"partition\", \"offset\", raw FROM silver.rejected_records"
                + " WHERE raw = 'not json'"));

    // Run 2: the stop of session 3 arrives; a reading a day late inside workout 1; user 3 is
    // created again; a second gym file.
    lh.send(WORKOUT, 1, "2", workout(2, 4, 3, "stop", T + 1300));
    lh.send(BPM, 1, "101", bpm(101, T + 900, "125"));
    lh.send(USER_INFO, 1, "3", profile(3, "new", T + 100, "05/05/2010", "F", "Waco"));
    lh.landing(
        GYM_LOGINS,
        "g2.csv",
        "mac_address,gym,login,logout\naa:02,5," + (T + 50) + "," + (T + 2000) + "\n");
    lh.cycle("run2");
    assertEquals(
        List.of(
            "1|3|1|25-35|F|Dallas|TX|120|129.000|140|4",
            "1|3|4|25-35|F|Dallas|TX|150|150.000|150|1",
            "2|4|3|75-85|M|Austin|TX|110|112.500|115|3"),
        lh.rows(
            "SELECT user_id, workout_id, session_id, age, gender, city, state, min_bpm,"
                + " ROUND(CAST(avg_bpm AS NUMERIC), 3), max_bpm, num_recordings"
                + " FROM gold.workout_bpm_summary ORDER BY 1, 2, 3"));
    assertEquals(
        List.of("2025-11-16|5|aa:01|3|1|60|30", "2025-11-16|5|aa:02|4|3|32.5|20"),
        lh.rows("SELECT * FROM gold.gym_summary ORDER BY 1, 2, 3, 4, 5"));
    assertEquals(
        List.of("3|2025-11-16 08:45:00|2025-11-16 08:46:40|f", "3|2025-11-16 09:01:40|null|t"),
        lh.rows(
            "SELECT user_id, valid_from, valid_to, is_current FROM silver.user_profile_history"
                + " WHERE user_id = 3 ORDER BY 2"));
    assertEquals(1, lh.count("SELECT COUNT(*) FROM silver.user_profile WHERE user_id = 3"));

    // Run 3: nothing new changes nothing.
    Map<String, List<String>> before = lh.dump();
    LakehouseFixture.Cycle third = lh.cycle("run3");
    assertEquals(before, lh.dump());
    assertEquals(0, third.ingested().stream().mapToLong(r -> r.records()).sum());
    assertEquals(0, third.gold().changedWorkouts() + third.gold().changedMacAddresses());
    assertEquals(
        34,
        lh.count(
            "SELECT COUNT(DISTINCT topic || '/' || \"partition\" || '/' || \"offset\") FROM bronze.kafka_records"));
  }
}
