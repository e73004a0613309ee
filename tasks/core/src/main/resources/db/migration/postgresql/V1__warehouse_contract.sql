-- Generated from io.fitbitpipeline.core.warehouse.Tables by MigrationScripts (postgresql).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE SCHEMA IF NOT EXISTS fitbit;

CREATE SCHEMA IF NOT EXISTS fitbit_staging;

CREATE SCHEMA IF NOT EXISTS fitbit_ops;

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  resting_heart_rate INTEGER,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  resting_heart_rate INTEGER
);

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_zones (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  zone_name TEXT NOT NULL,
  min_bpm INTEGER,
  max_bpm INTEGER,
  minutes INTEGER,
  calories_out DOUBLE PRECISION,
  PRIMARY KEY (user_id, date, zone_name)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_zones (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  zone_name TEXT NOT NULL,
  min_bpm INTEGER,
  max_bpm INTEGER,
  minutes INTEGER,
  calories_out DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS fitbit.calories_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  level SMALLINT,
  mets DOUBLE PRECISION,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.calories_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  level SMALLINT,
  mets DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS fitbit.calories_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.calories_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.steps_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.steps_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.steps_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.steps_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.distance_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.distance_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.distance_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.distance_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.floors_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.floors_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.floors_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.floors_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.elevation_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.elevation_intraday (
  user_id TEXT NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit.elevation_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.elevation_daily (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit_ops.file_ledger (
  source_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  user_id TEXT,
  date DATE,
  activity TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  rows_written BIGINT NOT NULL,
  points_read BIGINT NOT NULL,
  points_rejected BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  flags TEXT,
  run_id TEXT NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (source_key)
);

CREATE TABLE IF NOT EXISTS fitbit_staging.file_ledger (
  source_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  user_id TEXT,
  date DATE,
  activity TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  rows_written BIGINT NOT NULL,
  points_read BIGINT NOT NULL,
  points_rejected BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  flags TEXT,
  run_id TEXT NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit_ops.rejected_points (
  source_key TEXT NOT NULL,
  activity TEXT NOT NULL,
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  raw_time TEXT,
  raw_value TEXT,
  reason TEXT NOT NULL,
  run_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit_staging.rejected_points (
  source_key TEXT NOT NULL,
  activity TEXT NOT NULL,
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  raw_time TEXT,
  raw_value TEXT,
  reason TEXT NOT NULL,
  run_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS fitbit_ops.pipeline_runs (
  run_id TEXT NOT NULL,
  activity TEXT NOT NULL,
  step TEXT NOT NULL,
  window_start DATE NOT NULL,
  window_end DATE NOT NULL,
  status TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  ended_at TIMESTAMPTZ,
  files_seen BIGINT NOT NULL,
  files_loaded BIGINT NOT NULL,
  files_skipped BIGINT NOT NULL,
  files_quarantined BIGINT NOT NULL,
  points_read BIGINT NOT NULL,
  rows_written BIGINT NOT NULL,
  points_rejected BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  rows_per_table TEXT,
  message TEXT,
  PRIMARY KEY (run_id, activity, step)
);

CREATE INDEX IF NOT EXISTS rejected_points_source_key ON fitbit_ops.rejected_points (source_key);

CREATE INDEX IF NOT EXISTS file_ledger_activity ON fitbit_ops.file_ledger (activity, user_id, date);
