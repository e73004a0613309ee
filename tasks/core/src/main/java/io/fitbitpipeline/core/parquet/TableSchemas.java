package io.fitbitpipeline.core.parquet;

import io.fitbitpipeline.core.warehouse.Column;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Parquet (Avro) schema of a warehouse table, column for column in table order, so that
 * Redshift's positional COPY ... FORMAT AS PARQUET and the PostgreSQL loader read it the same way.
 */
public final class TableSchemas {
  private TableSchemas() {}

  public static Schema of(WarehouseTable table) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(table.name()).namespace("io.fitbitpipeline").fields();
    for (Column column : table.columns()) {
      Schema type = typeOf(column);
      if (column.nullable()) {
        fields =
            fields
                .name(column.name())
                .type(Schema.createUnion(Schema.create(Schema.Type.NULL), type))
                .withDefault(null);
      } else {
        fields = fields.name(column.name()).type(type).noDefault();
      }
    }
    return fields.endRecord();
  }

  private static Schema typeOf(Column column) {
    return switch (column.type()) {
      case TEXT -> Schema.create(Schema.Type.STRING);
      case SMALLINT, INTEGER -> Schema.create(Schema.Type.INT);
      case BIGINT -> Schema.create(Schema.Type.LONG);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      // No zone: Fitbit times are the device's wall clock (Parquet isAdjustedToUTC=false).
      case TIMESTAMP ->
          LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case TIMESTAMPTZ ->
          LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    };
  }

  /** A plain Java value as the Avro value of {@code column}'s Parquet type. */
  public static Object toParquet(Column column, Object value) {
    if (value == null) {
      return null;
    }
    return switch (column.type()) {
      case SMALLINT, INTEGER -> ((Number) value).intValue();
      case BIGINT -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIMESTAMP -> {
        LocalDateTime time = (LocalDateTime) value;
        yield time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1000;
      }
      case TIMESTAMPTZ -> {
        java.time.Instant instant = (java.time.Instant) value;
        yield instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
      }
      case TEXT -> value.toString();
      case BOOLEAN -> (Boolean) value;
    };
  }

  /** The Parquet value of a local date-time: microseconds of wall-clock time since 1970. */
  public static long localMicros(LocalDate date, int secondOfDay) {
    return (date.toEpochDay() * 86_400L + secondOfDay) * 1_000_000L;
  }

  public static LocalDateTime fromLocalMicros(long micros) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
    return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
  }
}
