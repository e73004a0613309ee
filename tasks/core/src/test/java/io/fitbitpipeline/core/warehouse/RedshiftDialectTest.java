package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.LoadManifest;
import io.fitbitpipeline.core.lake.StagedFile;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redshift SQL for every activity table, checked without a cluster. */
class RedshiftDialectTest {
  private final LakeLayout lake = new LakeLayout("fitbit-lake");
  private final RedshiftDialect dialect =
      new RedshiftDialect(lake, "arn:aws:iam::123456789012:role/copy");

  @Test
  void everyActivityTableIsDistributedAndSortedByUser() {
    for (WarehouseTable table : Tables.activityTables()) {
      String ddl = dialect.createTable(table, "fitbit", true);
      assertTrue(ddl.startsWith("CREATE TABLE IF NOT EXISTS fitbit." + table.name() + " ("), ddl);
      assertTrue(ddl.contains("DISTKEY (user_id)"), ddl);
      assertTrue(ddl.contains("SORTKEY (" + String.join(", ", table.key()) + ")"), ddl);
      assertTrue(ddl.contains("PRIMARY KEY (" + String.join(", ", table.key()) + ")"), ddl);
      assertTrue(ddl.endsWith("ENCODE AUTO"), ddl);
      assertTrue(table.key().get(0).equals("user_id"));
    }
  }

  @Test
  void stagingTablesDeclareNoKey() {
    String ddl =
        dialect.createTable(
            Tables.intraday(io.fitbitpipeline.core.activity.Activity.CALORIES),
            "fitbit_staging",
            false);
    assertTrue(!ddl.contains("PRIMARY KEY"), ddl);
    assertTrue(ddl.contains("level SMALLINT,\n  mets DOUBLE PRECISION"), ddl);
  }

  @Test
  void copyLoadsExactlyTheManifestsFilesAsParquet() {
    WarehouseTable table = Tables.intraday(io.fitbitpipeline.core.activity.Activity.STEPS);
    StagingLoad load =
        new StagingLoad(
            table,
            table.staging(),
            List.of(
                new StagedFile(
                    "steps_intraday",
                    LocalDate.of(2026, 11, 16),
                    "staging/steps_intraday/date=2026-11-16/r-steps.parquet",
                    10,
                    1234)),
            "manifests/r/steps/copy-steps_intraday.json");
    assertEquals(
        "COPY fitbit_staging.steps_intraday (user_id, ts, value)\n"
            + "FROM 's3://fitbit-lake/manifests/r/steps/copy-steps_intraday.json'\n"
            + "IAM_ROLE 'arn:aws:iam::123456789012:role/copy'\n"
            + "FORMAT AS PARQUET\nMANIFEST",
        dialect.copySql(load));
    assertEquals(
        "{\"entries\":[{\"url\":\"s3://fitbit-lake/staging/steps_intraday/date=2026-11-16/r-steps.parquet\","
            + "\"mandatory\":true,\"meta\":{\"content_length\":1234}}]}",
        new String(
            LoadManifest.render(lake, load.files()), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void everyTableLoadsByPositionFromItsOwnManifest() {
    List<WarehouseTable> tables = new java.util.ArrayList<>(Tables.activityTables());
    tables.add(Tables.REJECTED_POINTS);
    for (WarehouseTable table : tables) {
      String sql =
          dialect.copySql(
              new StagingLoad(
                  table,
                  table.staging(),
                  List.of(),
                  "manifests/r/a/copy-" + table.name() + ".json"));
      assertTrue(
          sql.startsWith("COPY " + table.staging() + " (" + table.columnList() + ")\n"), sql);
      assertTrue(
          sql.contains("FROM 's3://fitbit-lake/manifests/r/a/copy-" + table.name() + ".json'"),
          sql);
      assertTrue(sql.endsWith("FORMAT AS PARQUET\nMANIFEST"), sql);
    }
  }

  @Test
  void longTextColumnsGetTheLongestVarchar() {
    assertEquals("VARCHAR(65535)", dialect.sqlType(Column.required("reason", ColumnType.TEXT)));
    assertEquals("VARCHAR(256)", dialect.sqlType(Column.required("user_id", ColumnType.TEXT)));
    assertEquals("TIMESTAMP", dialect.sqlType(Column.required("ts", ColumnType.TIMESTAMP)));
  }
}
