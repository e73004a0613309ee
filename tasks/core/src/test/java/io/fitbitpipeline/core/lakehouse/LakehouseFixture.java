package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.gold.GoldResult;
import io.fitbitpipeline.core.lakehouse.silver.SilverResult;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One isolated lakehouse on the shared real servers: its own PostgreSQL database, buckets and
 * topics (two partitions each), so tests can compare two lakehouses fed the same records.
 */
final class LakehouseFixture implements AutoCloseable {
  static final int PARTITIONS = 2;

  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final Map<String, String> env = new LinkedHashMap<>();
  final PipelineConfig config;
  final LakehouseConfig lakehouseConfig;
  final ObjectStore store;
  final Lakehouse lakehouse;
  private final Producer<String, String> producer;

  LakehouseFixture() throws Exception {
    LocalServers servers = LocalServers.get();
    String database = "lh_" + suffix;
    try (Connection c =
            DriverManager.getConnection(servers.postgres.jdbcUrl(), servers.postgres.user(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    String url = servers.postgres.jdbcUrl().replaceAll("/[^/]+$", "/" + database);
    env.put("RAW_BUCKET", "raw-" + suffix);
    env.put("LAKE_BUCKET", "lake-" + suffix);
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_S3", servers.s3.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
    env.put("WAREHOUSE_JDBC_URL", url);
    env.put("WAREHOUSE_USER", servers.postgres.user());
    env.put("KAFKA_BOOTSTRAP_SERVERS", servers.kafka().bootstrapServers());
    for (LakehouseSource source : LakehouseSource.topics()) {
      env.put("KAFKA_TOPIC_" + source.name(), source.id() + "-" + suffix);
    }
    env.put("KAFKA_CONSUMER_GROUP", "group-" + suffix);
    config =
        PipelineConfig.fromEnvironment(env)
            .withS3(
                servers.s3.endpoint(),
                new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
    lakehouseConfig = LakehouseConfig.fromEnvironment(env);
    store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    try (Admin admin = Admin.create(new KafkaClients(lakehouseConfig).adminProperties())) {
      List<NewTopic> topics = new ArrayList<>();
      for (LakehouseSource source : LakehouseSource.topics()) {
        topics.add(new NewTopic(lakehouseConfig.topic(source), PARTITIONS, (short) 1));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
    producer = new KafkaClients(lakehouseConfig).producer();
    lakehouse = newLakehouse();
    lakehouse.migrate();
  }

  Lakehouse newLakehouse() throws Exception {
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    return new Lakehouse(
        config,
        lakehouseConfig,
        store,
        log,
        Clock.systemUTC(),
        Files.createTempDirectory("lakehouse-work"));
  }

  String topic(LakehouseSource source) {
    return lakehouseConfig.topic(source);
  }

  /** Sends one record to a chosen partition and waits for the broker's acknowledgement. */
  void send(LakehouseSource source, int partition, String key, String value) throws Exception {
    producer
        .send(new ProducerRecord<>(topic(source), partition, key, value))
        .get(30, TimeUnit.SECONDS);
  }

  /** Sends without waiting (bulk); call {@link #flush()} after. */
  void sendAsync(LakehouseSource source, int partition, String key, String value) {
    producer.send(new ProducerRecord<>(topic(source), partition, key, value));
  }

  void flush() {
    producer.flush();
  }

  void landing(LakehouseSource source, String name, String csv) {
    store.put(
        config.rawBucket(),
        lakehouseConfig.landingPrefix() + "/" + source.id() + "/" + name,
        csv.getBytes(StandardCharsets.UTF_8));
  }

  /** One refresh as the DAG runs it: every topic and the landing files, silver, gold. */
  Cycle cycle(String run) throws Exception {
    RunId id = new RunId(run + "-" + suffix);
    List<IngestResult> ingested = new ArrayList<>();
    for (LakehouseSource source : LakehouseSource.topics()) {
      ingested.add(lakehouse.ingest(source, List.of(), id));
    }
    ingested.addAll(lakehouse.ingestLanding(id));
    SilverResult silver = lakehouse.silver(id);
    GoldResult gold = lakehouse.gold(id);
    return new Cycle(ingested, silver, gold);
  }

  record Cycle(List<IngestResult> ingested, SilverResult silver, GoldResult gold) {
    long ingested(String source) {
      return ingested.stream()
          .filter(r -> r.source().equals(source))
          .mapToLong(IngestResult::records)
          .sum();
    }
  }

  Connection connect() throws SQLException {
    return lakehouse.warehouse().connect();
  }

  /** The rows of a query, each as "a|b|c". */
  List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  long count(String sql) throws SQLException {
    return Long.parseLong(rows(sql).get(0));
  }

  /** Every contract table's rows, sorted, with rejected_records without its positions. */
  Map<String, List<String>> dump() throws SQLException {
    Map<String, List<String>> dump = new LinkedHashMap<>();
    for (String table : LakehouseTables.CONTRACT_TABLES) {
      if (table.equals("silver.rejected_records")) {
        continue;
      }
      List<String> rows = rows("SELECT * FROM " + table);
      rows.sort(null);
      dump.put(table, rows);
    }
    dump.put(
        "silver.rejected_records",
        rows(
            "SELECT source, reason, raw FROM silver.rejected_records ORDER BY source, reason,"
                + " raw"));
    return dump;
  }

  @Override
  public void close() {
    producer.close();
  }
}
