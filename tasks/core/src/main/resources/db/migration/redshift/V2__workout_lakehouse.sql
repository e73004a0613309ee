-- Generated from io.fitbitpipeline.core.lakehouse.LakehouseTables by MigrationScripts (redshift).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE SCHEMA IF NOT EXISTS bronze;

CREATE SCHEMA IF NOT EXISTS silver;

CREATE SCHEMA IF NOT EXISTS gold;

CREATE TABLE IF NOT EXISTS bronze.kafka_records (
  topic VARCHAR(256) NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP NOT NULL,
  key VARCHAR(65535),
  value VARCHAR(65535),
  PRIMARY KEY (topic, "partition", "offset")
)
DISTSTYLE AUTO
SORTKEY (topic, "partition", "offset")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS bronze.landing_rows (
  source VARCHAR(256) NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  line INTEGER NOT NULL,
  text VARCHAR(65535) NOT NULL,
  PRIMARY KEY (object_key, etag, line)
)
DISTSTYLE AUTO
SORTKEY (object_key, etag, line)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS bronze.kafka_offsets (
  topic VARCHAR(256) NOT NULL,
  "partition" INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (topic, "partition")
)
DISTSTYLE AUTO
SORTKEY (topic, "partition")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS bronze.landing_files (
  source VARCHAR(256) NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  rows BIGINT NOT NULL,
  run_id VARCHAR(65535) NOT NULL,
  ingested_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (object_key, etag)
)
DISTSTYLE AUTO
SORTKEY (object_key, etag)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS bronze.ingest_batches (
  batch_id VARCHAR(256) NOT NULL,
  source VARCHAR(256) NOT NULL,
  status VARCHAR(256) NOT NULL,
  files VARCHAR(65535) NOT NULL,
  records BIGINT NOT NULL,
  run_id VARCHAR(65535) NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  committed_at TIMESTAMPTZ,
  PRIMARY KEY (batch_id)
)
DISTSTYLE AUTO
SORTKEY (batch_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.users (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address VARCHAR(256) NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id)
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.gym_logs (
  mac_address VARCHAR(256) NOT NULL,
  gym VARCHAR(65535) NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  PRIMARY KEY (mac_address, gym, login)
)
DISTSTYLE AUTO
SORTKEY (mac_address, gym, login)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.user_profile (
  user_id BIGINT NOT NULL,
  dob DATE,
  sex VARCHAR(256),
  gender VARCHAR(256),
  first_name VARCHAR(65535),
  last_name VARCHAR(65535),
  street_address VARCHAR(65535),
  city VARCHAR(65535),
  state VARCHAR(256),
  zip BIGINT,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id)
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.user_profile_history (
  user_id BIGINT NOT NULL,
  dob DATE,
  sex VARCHAR(256),
  gender VARCHAR(256),
  first_name VARCHAR(65535),
  last_name VARCHAR(65535),
  street_address VARCHAR(65535),
  city VARCHAR(65535),
  state VARCHAR(256),
  zip BIGINT,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP,
  is_current BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, valid_from)
)
DISTKEY (user_id)
SORTKEY (user_id, valid_from)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.heart_rate (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  valid BOOLEAN NOT NULL,
  PRIMARY KEY (device_id, time)
)
DISTSTYLE AUTO
SORTKEY (device_id, time)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.workouts (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action VARCHAR(256) NOT NULL,
  time TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, action)
)
DISTKEY (user_id)
SORTKEY (user_id, workout_id, session_id, action)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.completed_workouts (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id)
)
DISTKEY (user_id)
SORTKEY (user_id, workout_id, session_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.workout_bpm (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, time)
)
DISTKEY (user_id)
SORTKEY (user_id, workout_id, session_id, time)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.rejected_records (
  source VARCHAR(256) NOT NULL,
  "partition" INTEGER,
  "offset" BIGINT NOT NULL,
  reason VARCHAR(65535) NOT NULL,
  "raw" VARCHAR(65535)
)
DISTSTYLE AUTO
SORTKEY (source)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.bpm_events (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (device_id, time, "partition", "offset")
)
DISTSTYLE AUTO
SORTKEY (device_id, time, "partition", "offset")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.workout_events (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action VARCHAR(256) NOT NULL,
  time TIMESTAMP NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, "partition", "offset")
)
DISTKEY (user_id)
SORTKEY (user_id, workout_id, session_id, "partition", "offset")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.user_info_events (
  user_id BIGINT NOT NULL,
  update_type VARCHAR(256) NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  dob DATE,
  sex VARCHAR(256),
  gender VARCHAR(256),
  first_name VARCHAR(65535),
  last_name VARCHAR(65535),
  street_address VARCHAR(65535),
  city VARCHAR(65535),
  state VARCHAR(256),
  zip BIGINT,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (user_id, "partition", "offset")
)
DISTKEY (user_id)
SORTKEY (user_id, "partition", "offset")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.registration_events (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address VARCHAR(256) NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (user_id, object_key, etag, line)
)
DISTKEY (user_id)
SORTKEY (user_id, object_key, etag, line)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.gym_login_events (
  mac_address VARCHAR(256) NOT NULL,
  gym VARCHAR(65535) NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (mac_address, gym, login, object_key, etag, line)
)
DISTSTYLE AUTO
SORTKEY (mac_address, gym, login, object_key, etag, line)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.kafka_progress (
  topic VARCHAR(256) NOT NULL,
  "partition" INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,
  PRIMARY KEY (topic, "partition")
)
DISTSTYLE AUTO
SORTKEY (topic, "partition")
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.landing_progress (
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  PRIMARY KEY (object_key, etag)
)
DISTSTYLE AUTO
SORTKEY (object_key, etag)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.changed_sessions (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.changed_macs (
  mac_address VARCHAR(256) NOT NULL
)
DISTSTYLE AUTO
SORTKEY (mac_address)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.changed_profiles (
  user_id BIGINT NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.batch_bpm_events (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
)
DISTSTYLE AUTO
SORTKEY (device_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.batch_workout_events (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action VARCHAR(256) NOT NULL,
  time TIMESTAMP NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.batch_user_info_events (
  user_id BIGINT NOT NULL,
  update_type VARCHAR(256) NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  dob DATE,
  sex VARCHAR(256),
  gender VARCHAR(256),
  first_name VARCHAR(65535),
  last_name VARCHAR(65535),
  street_address VARCHAR(65535),
  city VARCHAR(65535),
  state VARCHAR(256),
  zip BIGINT,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.batch_registration_events (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address VARCHAR(256) NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  line INTEGER NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS silver.batch_gym_login_events (
  mac_address VARCHAR(256) NOT NULL,
  gym VARCHAR(65535) NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  object_key VARCHAR(65535) NOT NULL,
  etag VARCHAR(256) NOT NULL,
  line INTEGER NOT NULL
)
DISTSTYLE AUTO
SORTKEY (mac_address)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS gold.workout_bpm_summary (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  age VARCHAR(256),
  gender VARCHAR(256),
  city VARCHAR(65535),
  state VARCHAR(256),
  min_bpm DOUBLE PRECISION NOT NULL,
  avg_bpm DOUBLE PRECISION NOT NULL,
  max_bpm DOUBLE PRECISION NOT NULL,
  num_recordings BIGINT NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id)
)
DISTKEY (user_id)
SORTKEY (user_id, workout_id, session_id)
ENCODE AUTO;

CREATE TABLE IF NOT EXISTS gold.gym_summary (
  date DATE NOT NULL,
  gym VARCHAR(65535) NOT NULL,
  mac_address VARCHAR(256) NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  minutes_in_gym DOUBLE PRECISION NOT NULL,
  minutes_exercising DOUBLE PRECISION NOT NULL
)
DISTSTYLE AUTO
SORTKEY (date)
ENCODE AUTO;
