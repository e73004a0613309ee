package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connections to the warehouse, with the dialect that the JDBC URL (or WAREHOUSE_DIALECT) names.
 */
public final class Warehouse {
  private final PipelineConfig config;
  private final WarehouseDialect dialect;

  public Warehouse(PipelineConfig config, WarehouseDialect dialect) {
    this.config = config;
    this.dialect = dialect;
  }

  public static Warehouse create(PipelineConfig config, ObjectStore store, LakeLayout lake) {
    config.requireWarehouse();
    WarehouseDialect dialect =
        config.dialect().equals("redshift")
            ? new RedshiftDialect(lake, config.redshiftIamRole())
            : new PostgresDialect(store, lake);
    return new Warehouse(config, dialect);
  }

  public WarehouseDialect dialect() {
    return dialect;
  }

  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (!config.warehouseUser().isBlank()) {
      properties.setProperty("user", config.warehouseUser());
    }
    if (dialect.id().equals("redshift")) {
      // TLS always; IAM authentication takes temporary credentials from the AWS chain.
      properties.setProperty("ssl", "true");
      if (config.iamAuth()) {
        properties.setProperty("IAM", "true");
      } else {
        properties.setProperty("password", config.warehousePassword());
      }
    } else if (!config.warehousePassword().isEmpty()) {
      properties.setProperty("password", config.warehousePassword());
    }
    return DriverManager.getConnection(config.jdbcUrl(), properties);
  }
}
