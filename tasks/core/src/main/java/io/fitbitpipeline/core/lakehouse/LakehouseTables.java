package io.fitbitpipeline.core.lakehouse;

import static io.fitbitpipeline.core.warehouse.Column.optional;
import static io.fitbitpipeline.core.warehouse.Column.required;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.ColumnType;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The workout lakehouse's warehouse tables, in one place: bronze (records as received, plus the
 * bookkeeping that makes ingestion exactly once), silver (the contract's conformed tables, plus the
 * valid events they are recomputed from and the change queues gold reads) and gold. The DDL
 * (migration V2) and the Parquet schemas of the lake files are derived from these definitions.
 */
public final class LakehouseTables {
  public static final String BRONZE = "bronze";
  public static final String SILVER = "silver";
  public static final String GOLD = "gold";

  // ---- bronze: the contract's two record tables ----
  public static final WarehouseTable KAFKA_RECORDS =
      table(
          "kafka_records",
          List.of(
              required("topic", ColumnType.TEXT),
              required("partition", ColumnType.INTEGER),
              required("offset", ColumnType.BIGINT),
              required("kafka_timestamp", ColumnType.TIMESTAMP),
              optional("key", ColumnType.TEXT),
              optional("value", ColumnType.TEXT)),
          "topic",
          "partition",
          "offset");

  public static final WarehouseTable LANDING_ROWS =
      table(
          "landing_rows",
          List.of(
              required("source", ColumnType.TEXT),
              required("object_key", ColumnType.TEXT),
              required("etag", ColumnType.TEXT),
              required("line", ColumnType.INTEGER),
              required("text", ColumnType.TEXT)),
          "object_key",
          "etag",
          "line");

  // ---- bronze: bookkeeping, written in the same transaction as the records ----
  /** Per topic and partition, the next offset to read: moves only with the records it covers. */
  public static final WarehouseTable KAFKA_OFFSETS =
      table(
          "kafka_offsets",
          List.of(
              required("topic", ColumnType.TEXT),
              required("partition", ColumnType.INTEGER),
              required("next_offset", ColumnType.BIGINT),
              required("updated_at", ColumnType.TIMESTAMPTZ)),
          "topic",
          "partition");

  /** The landing files already ingested, by content (a new ETag is a new file). */
  public static final WarehouseTable LANDING_FILES =
      table(
          "landing_files",
          List.of(
              required("source", ColumnType.TEXT),
              required("object_key", ColumnType.TEXT),
              required("etag", ColumnType.TEXT),
              required("rows", ColumnType.BIGINT),
              required("run_id", ColumnType.TEXT),
              required("ingested_at", ColumnType.TIMESTAMPTZ)),
          "object_key",
          "etag");

  /**
   * One row per ingest batch: written as 'pending' with the lake files it is about to upload before
   * any upload, and turned 'committed' in the transaction that loads them. A pending batch found at
   * start is a crashed one: its files are deleted, so the lake holds each record once.
   */
  public static final WarehouseTable INGEST_BATCHES =
      table(
          "ingest_batches",
          List.of(
              required("batch_id", ColumnType.TEXT),
              required("source", ColumnType.TEXT),
              required("status", ColumnType.TEXT),
              required("files", ColumnType.TEXT),
              required("records", ColumnType.BIGINT),
              required("run_id", ColumnType.TEXT),
              required("started_at", ColumnType.TIMESTAMPTZ),
              optional("committed_at", ColumnType.TIMESTAMPTZ)),
          "batch_id");

  // ---- silver: the contract's tables ----
  public static final WarehouseTable USERS =
      table(
          "users",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("device_id", ColumnType.BIGINT),
              required("mac_address", ColumnType.TEXT),
              required("registered_at", ColumnType.TIMESTAMP)),
          "user_id");

  public static final WarehouseTable GYM_LOGS =
      table(
          "gym_logs",
          List.of(
              required("mac_address", ColumnType.TEXT),
              required("gym", ColumnType.TEXT),
              required("login", ColumnType.TIMESTAMP),
              required("logout", ColumnType.TIMESTAMP)),
          "mac_address",
          "gym",
          "login");

  public static final WarehouseTable USER_PROFILE =
      table(
          "user_profile", profileColumns(required("updated_at", ColumnType.TIMESTAMP)), "user_id");

  public static final WarehouseTable USER_PROFILE_HISTORY =
      table(
          "user_profile_history",
          profileColumns(
              required("valid_from", ColumnType.TIMESTAMP),
              optional("valid_to", ColumnType.TIMESTAMP),
              required("is_current", ColumnType.BOOLEAN)),
          "user_id",
          "valid_from");

  public static final WarehouseTable HEART_RATE =
      table(
          "heart_rate",
          List.of(
              required("device_id", ColumnType.BIGINT),
              required("time", ColumnType.TIMESTAMP),
              required("heartrate", ColumnType.DOUBLE),
              required("valid", ColumnType.BOOLEAN)),
          "device_id",
          "time");

  public static final WarehouseTable WORKOUTS =
      table(
          "workouts",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              required("action", ColumnType.TEXT),
              required("time", ColumnType.TIMESTAMP)),
          "user_id",
          "workout_id",
          "session_id",
          "action");

  public static final WarehouseTable COMPLETED_WORKOUTS =
      table(
          "completed_workouts",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              required("start_time", ColumnType.TIMESTAMP),
              required("end_time", ColumnType.TIMESTAMP)),
          "user_id",
          "workout_id",
          "session_id");

  public static final WarehouseTable WORKOUT_BPM =
      table(
          "workout_bpm",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              required("start_time", ColumnType.TIMESTAMP),
              required("end_time", ColumnType.TIMESTAMP),
              required("time", ColumnType.TIMESTAMP),
              required("heartrate", ColumnType.DOUBLE)),
          "user_id",
          "workout_id",
          "session_id",
          "time");

  public static final WarehouseTable REJECTED_RECORDS =
      table(
          "rejected_records",
          List.of(
              required("source", ColumnType.TEXT),
              optional("partition", ColumnType.INTEGER),
              required("offset", ColumnType.BIGINT),
              required("reason", ColumnType.TEXT),
              optional("raw", ColumnType.TEXT)));

  // ---- silver: every valid record, the history the rules are recomputed from ----
  public static final WarehouseTable BPM_EVENTS =
      table(
          "bpm_events",
          List.of(
              required("device_id", ColumnType.BIGINT),
              required("time", ColumnType.TIMESTAMP),
              required("heartrate", ColumnType.DOUBLE),
              required("partition", ColumnType.INTEGER),
              required("offset", ColumnType.BIGINT)),
          "device_id",
          "time",
          "partition",
          "offset");

  public static final WarehouseTable WORKOUT_EVENTS =
      table(
          "workout_events",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              required("action", ColumnType.TEXT),
              required("time", ColumnType.TIMESTAMP),
              required("partition", ColumnType.INTEGER),
              required("offset", ColumnType.BIGINT)),
          "user_id",
          "workout_id",
          "session_id",
          "partition",
          "offset");

  public static final WarehouseTable USER_INFO_EVENTS =
      table(
          "user_info_events",
          withPosition(
              List.of(
                  required("user_id", ColumnType.BIGINT),
                  required("update_type", ColumnType.TEXT),
                  required("updated_at", ColumnType.TIMESTAMP)),
              profileFields(),
              List.of(
                  required("partition", ColumnType.INTEGER),
                  required("offset", ColumnType.BIGINT))),
          "user_id",
          "partition",
          "offset");

  public static final WarehouseTable REGISTRATION_EVENTS =
      table(
          "registration_events",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("device_id", ColumnType.BIGINT),
              required("mac_address", ColumnType.TEXT),
              required("registered_at", ColumnType.TIMESTAMP),
              required("object_key", ColumnType.TEXT),
              required("etag", ColumnType.TEXT),
              required("line", ColumnType.INTEGER)),
          "user_id",
          "object_key",
          "etag",
          "line");

  public static final WarehouseTable GYM_LOGIN_EVENTS =
      table(
          "gym_login_events",
          List.of(
              required("mac_address", ColumnType.TEXT),
              required("gym", ColumnType.TEXT),
              required("login", ColumnType.TIMESTAMP),
              required("logout", ColumnType.TIMESTAMP),
              required("object_key", ColumnType.TEXT),
              required("etag", ColumnType.TEXT),
              required("line", ColumnType.INTEGER)),
          "mac_address",
          "gym",
          "login",
          "object_key",
          "etag",
          "line");

  /** The event tables in the order the silver step fills them. */
  public static final List<WarehouseTable> EVENTS =
      List.of(BPM_EVENTS, WORKOUT_EVENTS, USER_INFO_EVENTS, REGISTRATION_EVENTS, GYM_LOGIN_EVENTS);

  // ---- silver: bookkeeping ----
  /** Per topic and partition, the next bronze offset silver has not conformed yet. */
  public static final WarehouseTable KAFKA_PROGRESS =
      table(
          "kafka_progress",
          List.of(
              required("topic", ColumnType.TEXT),
              required("partition", ColumnType.INTEGER),
              required("next_offset", ColumnType.BIGINT)),
          "topic",
          "partition");

  /** The landing files (by content) silver has conformed. */
  public static final WarehouseTable LANDING_PROGRESS =
      table(
          "landing_progress",
          List.of(required("object_key", ColumnType.TEXT), required("etag", ColumnType.TEXT)),
          "object_key",
          "etag");

  /** Keys whose silver rows changed and whose gold rows gold has not recomputed yet. */
  public static final WarehouseTable CHANGED_SESSIONS =
      table(
          "changed_sessions",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT)));

  public static final WarehouseTable CHANGED_MACS =
      table("changed_macs", List.of(required("mac_address", ColumnType.TEXT)));

  public static final WarehouseTable CHANGED_PROFILES =
      table("changed_profiles", List.of(required("user_id", ColumnType.BIGINT)));

  // ---- gold ----
  public static final WarehouseTable WORKOUT_BPM_SUMMARY =
      table(
          "workout_bpm_summary",
          List.of(
              required("user_id", ColumnType.BIGINT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              optional("age", ColumnType.TEXT),
              optional("gender", ColumnType.TEXT),
              optional("city", ColumnType.TEXT),
              optional("state", ColumnType.TEXT),
              required("min_bpm", ColumnType.DOUBLE),
              required("avg_bpm", ColumnType.DOUBLE),
              required("max_bpm", ColumnType.DOUBLE),
              required("num_recordings", ColumnType.BIGINT)),
          "user_id",
          "workout_id",
          "session_id");

  public static final WarehouseTable GYM_SUMMARY =
      table(
          "gym_summary",
          List.of(
              required("date", ColumnType.DATE),
              required("gym", ColumnType.TEXT),
              required("mac_address", ColumnType.TEXT),
              required("workout_id", ColumnType.BIGINT),
              required("session_id", ColumnType.BIGINT),
              required("minutes_in_gym", ColumnType.DOUBLE),
              required("minutes_exercising", ColumnType.DOUBLE)));

  public static final List<WarehouseTable> BRONZE_TABLES =
      List.of(KAFKA_RECORDS, LANDING_ROWS, KAFKA_OFFSETS, LANDING_FILES, INGEST_BATCHES);

  public static final List<WarehouseTable> SILVER_TABLES =
      List.of(
          USERS,
          GYM_LOGS,
          USER_PROFILE,
          USER_PROFILE_HISTORY,
          HEART_RATE,
          WORKOUTS,
          COMPLETED_WORKOUTS,
          WORKOUT_BPM,
          REJECTED_RECORDS,
          BPM_EVENTS,
          WORKOUT_EVENTS,
          USER_INFO_EVENTS,
          REGISTRATION_EVENTS,
          GYM_LOGIN_EVENTS,
          KAFKA_PROGRESS,
          LANDING_PROGRESS,
          CHANGED_SESSIONS,
          CHANGED_MACS,
          CHANGED_PROFILES);

  public static final List<WarehouseTable> GOLD_TABLES = List.of(WORKOUT_BPM_SUMMARY, GYM_SUMMARY);

  /** The contract's silver and gold tables, schema-qualified, in the contract's order. */
  public static final List<String> CONTRACT_TABLES =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                      USERS,
                      GYM_LOGS,
                      USER_PROFILE,
                      USER_PROFILE_HISTORY,
                      HEART_RATE,
                      WORKOUTS,
                      COMPLETED_WORKOUTS,
                      WORKOUT_BPM,
                      REJECTED_RECORDS)
                  .map(t -> SILVER + "." + t.name()),
              GOLD_TABLES.stream().map(t -> GOLD + "." + t.name()))
          .toList();

  private LakehouseTables() {}

  /**
   * silver.batch_{events table}: the events one silver run conformed, loaded from the lake, from
   * which it finds the keys to recompute. Same columns as the events table, no key.
   */
  public static WarehouseTable batchOf(WarehouseTable events) {
    return new WarehouseTable("batch_" + events.name(), null, events.columns(), List.of(), null);
  }

  /** The profile fields of a user_info record, in the contract's column order. */
  static List<Column> profileFields() {
    return List.of(
        optional("dob", ColumnType.DATE),
        optional("sex", ColumnType.TEXT),
        optional("gender", ColumnType.TEXT),
        optional("first_name", ColumnType.TEXT),
        optional("last_name", ColumnType.TEXT),
        optional("street_address", ColumnType.TEXT),
        optional("city", ColumnType.TEXT),
        optional("state", ColumnType.TEXT),
        optional("zip", ColumnType.BIGINT));
  }

  private static List<Column> profileColumns(Column... tail) {
    return withPosition(
        List.of(required("user_id", ColumnType.BIGINT)), profileFields(), List.of(tail));
  }

  private static List<Column> withPosition(
      List<Column> head, List<Column> middle, List<Column> tail) {
    List<Column> columns = new ArrayList<>(head);
    columns.addAll(middle);
    columns.addAll(tail);
    return List.copyOf(columns);
  }

  private static WarehouseTable table(String name, List<Column> columns, String... key) {
    return new WarehouseTable(name, null, columns, List.of(key), null);
  }
}
