-- Generated from io.fitbitpipeline.core.warehouse.Tables by MigrationScripts (redshift).
-- Regenerate with: mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true

CREATE TABLE IF NOT EXISTS fitbit.data_yield (
  user_id VARCHAR(256) NOT NULL,
  date DATE NOT NULL,
  heart_rate_minutes INTEGER NOT NULL,
  valid_hours INTEGER NOT NULL,
  valid_day BOOLEAN NOT NULL,
  steps BIGINT,
  flags VARCHAR(65535),
  PRIMARY KEY (user_id, date)
)
DISTKEY (user_id)
SORTKEY (user_id, date)
ENCODE AUTO;
