package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lake.LakeLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed migration files are exactly what the table definitions render. */
class MigrationScriptsTest {
  private static final Path FOLDER = Path.of("src/main/resources/db/migration");

  static List<WarehouseDialect> dialects() {
    LakeLayout lake = new LakeLayout("lake");
    return List.of(
        new PostgresDialect(null, lake), new RedshiftDialect(lake, "arn:aws:iam::1:role/r"));
  }

  @Test
  void committedMigrationsMatchTheTableDefinitions() throws IOException {
    boolean write = Boolean.getBoolean("migrations.write");
    for (WarehouseDialect dialect : dialects()) {
      for (String version : MigrationScripts.VERSIONS) {
        Path file = FOLDER.resolve(dialect.id()).resolve(version + ".sql");
        String rendered = MigrationScripts.render(dialect, version);
        if (write) {
          Files.writeString(file, rendered, StandardCharsets.UTF_8);
        }
        assertEquals(
            rendered,
            Files.readString(file, StandardCharsets.UTF_8),
            file
                + " is out of date: run mvn -pl tasks/core test -Dtest=MigrationScriptsTest -Dmigrations.write=true");
      }
    }
  }

  @Test
  void everyActivityTableExistsInProductionAndStaging() {
    String sql = MigrationScripts.render(dialects().get(0), "V1__warehouse_contract");
    for (WarehouseTable table : Tables.activityTables()) {
      assertTrue(
          sql.contains("CREATE TABLE IF NOT EXISTS " + table.production() + " ("), table.name());
      assertTrue(
          sql.contains("CREATE TABLE IF NOT EXISTS " + table.staging() + " ("), table.name());
    }
    for (String ops :
        List.of(
            "fitbit_ops.file_ledger", "fitbit_ops.rejected_points", "fitbit_ops.pipeline_runs")) {
      assertTrue(sql.contains("CREATE TABLE IF NOT EXISTS " + ops + " ("), ops);
    }
  }
}
