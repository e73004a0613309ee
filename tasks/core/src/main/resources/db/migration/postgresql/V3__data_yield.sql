-- Generated from io.fitbitpipeline.core.warehouse.Tables by MigrationScripts (postgresql).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE TABLE IF NOT EXISTS fitbit.data_yield (
  user_id TEXT NOT NULL,
  date DATE NOT NULL,
  heart_rate_minutes INTEGER NOT NULL,
  valid_hours INTEGER NOT NULL,
  valid_day BOOLEAN NOT NULL,
  steps BIGINT,
  flags TEXT,
  PRIMARY KEY (user_id, date)
);
