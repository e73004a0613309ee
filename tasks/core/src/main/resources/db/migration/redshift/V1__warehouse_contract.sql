-- Generated from io.fitbitpipeline.core.warehouse.Tables by MigrationScripts (redshift).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE SCHEMA IF NOT EXISTS fitbit;

CREATE SCHEMA IF NOT EXISTS fitbit_staging;

CREATE SCHEMA IF NOT EXISTS fitbit_ops;

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  resting_heart_rate INTEGER,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  resting_heart_rate INTEGER
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.heart_rate_zones (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  zone_name VARCHAR(256) NOT NULL,
  min_bpm INTEGER,
  max_bpm INTEGER,
  minutes INTEGER,
  calories_out DOUBLE PRECISION,
  PRIMARY KEY (user_id, date, zone_name)
)
DISTKEY (user_id)
SORTKEY (user_id, date, zone_name)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.heart_rate_zones (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  zone_name VARCHAR(256) NOT NULL,
  min_bpm INTEGER,
  max_bpm INTEGER,
  minutes INTEGER,
  calories_out DOUBLE PRECISION
)
DISTKEY (user_id)
SORTKEY (user_id, date, zone_name)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.calories_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  level SMALLINT,
  mets DOUBLE PRECISION,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.calories_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  level SMALLINT,
  mets DOUBLE PRECISION
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.calories_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.calories_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.steps_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.steps_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.steps_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.steps_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.distance_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.distance_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.distance_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.distance_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.floors_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.floors_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.floors_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.floors_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.elevation_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, ts)
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.elevation_intraday (
  user_id VARCHAR(256) NOT NULL,
  ts TIMESTAMP NOT NULL,
  value DOUBLE PRECISION NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, ts)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit.elevation_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.elevation_daily (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  value DOUBLE PRECISION NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_ops.file_ledger (
  source_key VARCHAR(65535) NOT NULL,
  content_hash VARCHAR(256) NOT NULL,
  user_id VARCHAR(256),
  date DATE,
  activity VARCHAR(256) NOT NULL,
  status VARCHAR(256) NOT NULL,
  reason VARCHAR(65535),
  rows_written BIGINT NOT NULL,
  points_read BIGINT NOT NULL,
  points_rejected BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  flags VARCHAR(65535),
  run_id VARCHAR(65535) NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (source_key)
)
DISTKEY (user_id)
SORTKEY (source_key)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.file_ledger (
  source_key VARCHAR(65535) NOT NULL,
  content_hash VARCHAR(256) NOT NULL,
  user_id VARCHAR(256),
  date DATE,
  activity VARCHAR(256) NOT NULL,
  status VARCHAR(256) NOT NULL,
  reason VARCHAR(65535),
  rows_written BIGINT NOT NULL,
  points_read BIGINT NOT NULL,
  points_rejected BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  flags VARCHAR(65535),
  run_id VARCHAR(65535) NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL
)
DISTKEY (user_id)
SORTKEY (source_key)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_ops.rejected_points (
  source_key VARCHAR(65535) NOT NULL,
  activity VARCHAR(256) NOT NULL,
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  raw_time VARCHAR(256),
  raw_value VARCHAR(65535),
  reason VARCHAR(65535) NOT NULL,
  run_id VARCHAR(65535) NOT NULL
)
DISTKEY (user_id)
SORTKEY (source_key)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_staging.rejected_points (
  source_key VARCHAR(65535) NOT NULL,
  activity VARCHAR(256) NOT NULL,
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  raw_time VARCHAR(256),
  raw_value VARCHAR(65535),
  reason VARCHAR(65535) NOT NULL,
  run_id VARCHAR(65535) NOT NULL
)
DISTKEY (user_id)
SORTKEY (source_key)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS fitbit_ops.pipeline_runs (
  run_id VARCHAR(65535) NOT NULL,
  activity VARCHAR(256) NOT NULL,
  step VARCHAR(256) NOT NULL,
  window_start DATE NOT NULL,
  window_end DATE NOT NULL,
  status VARCHAR(256) NOT NULL,
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
  rows_per_table VARCHAR(65535),
  message VARCHAR(65535),
  PRIMARY KEY (run_id, activity, step)
)
DISTSTYLE AUTO
SORTKEY (run_id, activity, step)
ENCODE AUTO;
