package io.fitbitpipeline.core.warehouse;

/** Logical column types; each {@link WarehouseDialect} and the Parquet schemas map them. */
public enum ColumnType {
  TEXT,
  SMALLINT,
  INTEGER,
  BIGINT,
  DOUBLE,
  BOOLEAN,
  DATE,
  /** Local wall-clock time without a zone (Fitbit's device time). */
  TIMESTAMP,
  /** A point in time (when the pipeline did something). */
  TIMESTAMPTZ
}
