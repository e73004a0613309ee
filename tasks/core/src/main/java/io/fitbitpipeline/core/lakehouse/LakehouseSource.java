package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The five inputs of the workout lakehouse, in one place: three Kafka topics and two kinds of CSV
 * landing file. Each names its default topic or landing folder, the silver events table its valid
 * records go to, and the columns that identify a repeated record (a duplicate).
 */
public enum LakehouseSource {
  USER_INFO(
      "user_info",
      Kind.KAFKA,
      LakehouseTables.USER_INFO_EVENTS,
      List.of("user_id", "updated_at", "update_type"),
      null),
  WORKOUT(
      "workout",
      Kind.KAFKA,
      LakehouseTables.WORKOUT_EVENTS,
      List.of("user_id", "workout_id", "session_id", "action", "time"),
      null),
  BPM("bpm", Kind.KAFKA, LakehouseTables.BPM_EVENTS, List.of("device_id", "time"), null),
  REGISTRATIONS(
      "registrations",
      Kind.LANDING,
      LakehouseTables.REGISTRATION_EVENTS,
      List.of("user_id", "device_id", "mac_address", "registered_at"),
      "user_id,device_id,mac_address,registration_timestamp"),
  GYM_LOGINS(
      "gym_logins",
      Kind.LANDING,
      LakehouseTables.GYM_LOGIN_EVENTS,
      List.of("mac_address", "gym", "login", "logout"),
      "mac_address,gym,login,logout");

  /** Where a source's records come from. */
  public enum Kind {
    KAFKA,
    LANDING
  }

  private final String id;
  private final Kind kind;
  private final WarehouseTable events;
  private final List<String> identity;
  private final String csvHeader;

  LakehouseSource(
      String id, Kind kind, WarehouseTable events, List<String> identity, String csvHeader) {
    this.id = id;
    this.kind = kind;
    this.events = events;
    this.identity = identity;
    this.csvHeader = csvHeader;
  }

  /** The default topic name, or the landing folder and the source name in rejected_records. */
  public String id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /** The silver table of every valid record of this source. */
  public WarehouseTable events() {
    return events;
  }

  /** Columns of {@link #events()} that make two records the same record sent twice. */
  public List<String> identity() {
    return identity;
  }

  /** The events table's columns that say where a record came from. */
  public List<String> position() {
    return kind == Kind.KAFKA
        ? List.of("partition", "offset")
        : List.of("object_key", "etag", "line");
  }

  /** The header line of a landing file; null for topics. */
  public String csvHeader() {
    return csvHeader;
  }

  /** The event's own columns: the events table without the position columns. */
  public int valueColumns() {
    return events.columns().size() - position().size();
  }

  public static List<LakehouseSource> topics() {
    return Arrays.stream(values()).filter(s -> s.kind == Kind.KAFKA).toList();
  }

  public static List<LakehouseSource> landing() {
    return Arrays.stream(values()).filter(s -> s.kind == Kind.LANDING).toList();
  }

  public static LakehouseSource parse(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(s -> s.id.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown source '"
                        + id
                        + "'; expected one of "
                        + Arrays.stream(values()).map(LakehouseSource::id).toList()));
  }

  @Override
  public String toString() {
    return id;
  }
}
