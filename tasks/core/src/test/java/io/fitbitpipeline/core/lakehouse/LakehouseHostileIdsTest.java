package io.fitbitpipeline.core.lakehouse;

import static io.fitbitpipeline.core.lakehouse.LakehouseSource.BPM;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.GYM_LOGINS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.REGISTRATIONS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.USER_INFO;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.WORKOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL-shaped ids and text pushed through the real lakehouse (Kafka broker, S3-API server,
 * PostgreSQL): ids that must be numbers are rejected with their reason; free text is stored
 * verbatim as data (it only ever travels in Parquet and bound parameters); every table is intact.
 */
class LakehouseHostileIdsTest {
  private static final long T = 1763280000L;
  private static final String DROP_USERS = "x'); DROP TABLE silver.users; --";
  private static final String DROP_GOLD = "Robert'); DROP TABLE gold.gym_summary; --";

  private LakehouseFixture lh;

  @BeforeEach
  void start() throws Exception {
    lh = new LakehouseFixture();
  }

  @AfterEach
  void stop() {
    lh.close();
  }

  @Test
  void sqlShapedIdsAreRejectedAndSqlShapedTextIsStoredVerbatim() throws Exception {
    lh.send(
        USER_INFO,
        0,
        "1",
        "{\"user_id\": \""
            + DROP_USERS
            + "\", \"update_type\": \"new\", \"timestamp\": "
            + T
            + "}");
    lh.send(WORKOUT, 0, "1", "{\"user_id\": 1; DROP TABLE gold.workout_bpm_summary; --}");
    lh.landing(
        REGISTRATIONS,
        "r1.csv",
        "user_id,device_id,mac_address,registration_timestamp\n"
            + DROP_USERS
            + ",101,aa:01,"
            + T
            + "\n1,101,"
            + DROP_USERS.replace(",", "")
            + ","
            + T
            + "\n");
    lh.landing(
        GYM_LOGINS,
        "g1.csv",
        "mac_address,gym,login,logout\naa:01,"
            + DROP_GOLD
            + ","
            + T
            + ","
            + (T + 60)
            + "\naa:01,gym\u0001bell,"
            + T
            + ","
            + (T + 120)
            + "\n");
    // Poison for the warehouse: NUL bytes (no warehouse text holds one) and a 1 MB line.
    // A NUL inside a JSON string becomes the six-character escape: the same string, so the record
    // is
    // valid; a NUL between tokens stays invalid JSON and is rejected.
    lh.send(
        BPM,
        0,
        "1",
        "{\"device_id\": 1, \"time\": " + T + ", \"heartrate\": 60, \"n\": \"a\u0000b\"}");
    lh.send(BPM, 0, "1", "{\"device_id\": 1, \"time\": " + (T + 1) + ", \"heartrate\": 61}");
    lh.send(BPM, 0, "1", "{\"device_id\": 1,\u0000 \"time\": " + (T + 2) + ", \"heartrate\": 62}");
    lh.landing(
        REGISTRATIONS,
        "r2.csv",
        "user_id,device_id,mac_address,registration_timestamp\n2,102,aa:02\u0000," + T + "\n");
    lh.landing(
        GYM_LOGINS,
        "g2.csv",
        "mac_address,gym,login,logout\naa:01,gym," + "9".repeat(1_000_000) + ",1\n");
    lh.cycle("hostile-ids");

    List<String> reasons = lh.rows("SELECT reason FROM silver.rejected_records ORDER BY 1");
    for (String expected :
        List.of(
            "field 'user_id' is not a JSON number: \"x'); DROP TABLE",
            "not JSON",
            "landing/registrations/r1.csv line 2: user_id is not a number: x'); DROP TABLE",
            "not JSON: Unexpected character ('\\' (code 92))",
            "landing/gym_logins/g2.csv line 2: line of 1000012 characters is over the 65536")) {
      assertTrue(
          reasons.stream().anyMatch(r -> r.startsWith(expected)), expected + " in " + reasons);
    }
    // Free text is data: stored exactly as sent.
    assertEquals(
        List.of("1|101|" + DROP_USERS.replace(",", ""), "2|102|aa:02\\u0000"),
        lh.rows("SELECT user_id, device_id, mac_address FROM silver.users ORDER BY 1"));
    assertEquals(
        List.of("60", "61"),
        lh.rows("SELECT CAST(heartrate AS INTEGER) FROM silver.heart_rate ORDER BY 1"));
    assertEquals(
        List.of(DROP_GOLD, "gym\u0001bell"),
        lh.rows("SELECT gym FROM silver.gym_logs ORDER BY gym"));
    // Every contract table is still there and answers.
    assertEquals(
        List.of("{\"device_id\": 1,\\u0000 \"time\": " + (T + 2) + ", \"heartrate\": 62}"),
        lh.rows("SELECT raw FROM silver.rejected_records WHERE raw LIKE '%u0000%'"));
    for (String table : LakehouseTables.CONTRACT_TABLES) {
      assertTrue(lh.count("SELECT COUNT(*) FROM " + table) >= 0, table);
    }
  }
}
