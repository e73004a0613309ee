-- Generated from io.fitbitpipeline.core.lakehouse.LakehouseTables by MigrationScripts (postgresql).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE SCHEMA IF NOT EXISTS bronze;

CREATE SCHEMA IF NOT EXISTS silver;

CREATE SCHEMA IF NOT EXISTS gold;

CREATE TABLE IF NOT EXISTS bronze.kafka_records (
  topic TEXT NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP NOT NULL,
  key TEXT,
  value TEXT,
  PRIMARY KEY (topic, "partition", "offset")
);

CREATE TABLE IF NOT EXISTS bronze.landing_rows (
  source TEXT NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  line INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (object_key, etag, line)
);

CREATE TABLE IF NOT EXISTS bronze.kafka_offsets (
  topic TEXT NOT NULL,
  "partition" INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (topic, "partition")
);

CREATE TABLE IF NOT EXISTS bronze.landing_files (
  source TEXT NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  rows BIGINT NOT NULL,
  run_id TEXT NOT NULL,
  ingested_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (object_key, etag)
);

CREATE TABLE IF NOT EXISTS bronze.ingest_batches (
  batch_id TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  files TEXT NOT NULL,
  records BIGINT NOT NULL,
  run_id TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  committed_at TIMESTAMPTZ,
  PRIMARY KEY (batch_id)
);

CREATE TABLE IF NOT EXISTS silver.users (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address TEXT NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id)
);

CREATE TABLE IF NOT EXISTS silver.gym_logs (
  mac_address TEXT NOT NULL,
  gym TEXT NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  PRIMARY KEY (mac_address, gym, login)
);

CREATE TABLE IF NOT EXISTS silver.user_profile (
  user_id BIGINT NOT NULL,
  dob DATE,
  sex TEXT,
  gender TEXT,
  first_name TEXT,
  last_name TEXT,
  street_address TEXT,
  city TEXT,
  state TEXT,
  zip BIGINT,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id)
);

CREATE TABLE IF NOT EXISTS silver.user_profile_history (
  user_id BIGINT NOT NULL,
  dob DATE,
  sex TEXT,
  gender TEXT,
  first_name TEXT,
  last_name TEXT,
  street_address TEXT,
  city TEXT,
  state TEXT,
  zip BIGINT,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP,
  is_current BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, valid_from)
);

CREATE TABLE IF NOT EXISTS silver.heart_rate (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  valid BOOLEAN NOT NULL,
  PRIMARY KEY (device_id, time)
);

CREATE TABLE IF NOT EXISTS silver.workouts (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  time TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, action)
);

CREATE TABLE IF NOT EXISTS silver.completed_workouts (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id)
);

CREATE TABLE IF NOT EXISTS silver.workout_bpm (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, time)
);

CREATE TABLE IF NOT EXISTS silver.rejected_records (
  source TEXT NOT NULL,
  "partition" INTEGER,
  "offset" BIGINT NOT NULL,
  reason TEXT NOT NULL,
  "raw" TEXT
);

CREATE TABLE IF NOT EXISTS silver.bpm_events (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (device_id, time, "partition", "offset")
);

CREATE TABLE IF NOT EXISTS silver.workout_events (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  time TIMESTAMP NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id, "partition", "offset")
);

CREATE TABLE IF NOT EXISTS silver.user_info_events (
  user_id BIGINT NOT NULL,
  update_type TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  dob DATE,
  sex TEXT,
  gender TEXT,
  first_name TEXT,
  last_name TEXT,
  street_address TEXT,
  city TEXT,
  state TEXT,
  zip BIGINT,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  PRIMARY KEY (user_id, "partition", "offset")
);

CREATE TABLE IF NOT EXISTS silver.registration_events (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address TEXT NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (user_id, object_key, etag, line)
);

CREATE TABLE IF NOT EXISTS silver.gym_login_events (
  mac_address TEXT NOT NULL,
  gym TEXT NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (mac_address, gym, login, object_key, etag, line)
);

CREATE TABLE IF NOT EXISTS silver.kafka_progress (
  topic TEXT NOT NULL,
  "partition" INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,
  PRIMARY KEY (topic, "partition")
);

CREATE TABLE IF NOT EXISTS silver.landing_progress (
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  PRIMARY KEY (object_key, etag)
);

CREATE TABLE IF NOT EXISTS silver.changed_sessions (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.changed_macs (
  mac_address TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.changed_profiles (
  user_id BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.batch_bpm_events (
  device_id BIGINT NOT NULL,
  time TIMESTAMP NOT NULL,
  heartrate DOUBLE PRECISION NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.batch_workout_events (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  time TIMESTAMP NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.batch_user_info_events (
  user_id BIGINT NOT NULL,
  update_type TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  dob DATE,
  sex TEXT,
  gender TEXT,
  first_name TEXT,
  last_name TEXT,
  street_address TEXT,
  city TEXT,
  state TEXT,
  zip BIGINT,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.batch_registration_events (
  user_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  mac_address TEXT NOT NULL,
  registered_at TIMESTAMP NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  line INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.batch_gym_login_events (
  mac_address TEXT NOT NULL,
  gym TEXT NOT NULL,
  login TIMESTAMP NOT NULL,
  logout TIMESTAMP NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL,
  line INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS gold.workout_bpm_summary (
  user_id BIGINT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  age TEXT,
  gender TEXT,
  city TEXT,
  state TEXT,
  min_bpm DOUBLE PRECISION NOT NULL,
  avg_bpm DOUBLE PRECISION NOT NULL,
  max_bpm DOUBLE PRECISION NOT NULL,
  num_recordings BIGINT NOT NULL,
  PRIMARY KEY (user_id, workout_id, session_id)
);

CREATE TABLE IF NOT EXISTS gold.gym_summary (
  date DATE NOT NULL,
  gym TEXT NOT NULL,
  mac_address TEXT NOT NULL,
  workout_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  minutes_in_gym DOUBLE PRECISION NOT NULL,
  minutes_exercising DOUBLE PRECISION NOT NULL
);
