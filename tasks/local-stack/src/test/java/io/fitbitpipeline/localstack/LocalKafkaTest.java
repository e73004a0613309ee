package io.fitbitpipeline.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {
  private static final String TOPIC = "heart-rate";
  private static final int RECORDS = 1_000;

  @TempDir Path dir;

  @Test
  void keepsWhatItWasSentAcrossARestartOnOtherPorts() throws Exception {
    Map<String, String> sent = new TreeMap<>();
    for (int i = 0; i < RECORDS; i++) {
      sent.put(String.format("user-%04d", i), "{\"bpm\":" + (40 + i % 150) + ",\"i\":" + i + "}");
    }
    List<Integer> firstPorts;
    try (LocalKafka kafka = timedStart(dir)) {
      assertTrue(kafka.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"));
      assertTrue(ProcessHandle.of(kafka.pid()).map(ProcessHandle::isAlive).orElse(false));
      try (Admin admin = Admin.create(clientConfig(kafka))) {
        admin
            .createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      produce(kafka, sent);
      assertEquals(sent, consumeAll(kafka));
      firstPorts = ports(dir);
    }

    // Hold the first start's ports: the restart must come up on others, on the same data.
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int port : firstPorts) {
        held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
      }
      try (LocalKafka kafka = timedStart(dir)) {
        assertNotEquals(firstPorts, ports(dir));
        try (Admin admin = Admin.create(clientConfig(kafka))) {
          assertEquals(
              3,
              admin
                  .describeTopics(List.of(TOPIC))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(TOPIC)
                  .partitions()
                  .size());
        }
        assertEquals(sent, consumeAll(kafka));
      }
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void stopsABrokerThatAKilledParentLeftOnTheSameData() throws Exception {
    LocalKafka orphan = LocalKafka.start(dir);
    try {
      long orphanPid = orphan.pid();
      // As after a SIGKILL of the parent: the broker runs on, only its pid file names it.
      try (LocalKafka kafka = LocalKafka.start(dir)) {
        assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false));
        assertNotEquals(orphanPid, kafka.pid());
        // A broker whose pid file is gone cannot be told apart from a foreign one: refused, and
        // it must keep its data (two controllers on one metadata log corrupt it).
        Files.delete(dir.resolve("broker.pid"));
        assertThrows(IOException.class, () -> LocalKafka.start(dir));
        Map<String, String> sent = Map.of("user-1", "after the takeover");
        produceTo(kafka, "takeover", sent);
        try (Admin admin = Admin.create(clientConfig(kafka))) {
          assertEquals(
              1,
              admin
                  .describeTopics(List.of("takeover"))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get("takeover")
                  .partitions()
                  .size(),
              "auto-created with num.partitions=1");
        }
      }
    } finally {
      orphan.close();
    }
    orphan.close(); // idempotent
  }

  @Test
  void theBrokersClassPathIsItsOwnTreeOnly() throws IOException {
    List<String> classPath = LocalKafka.brokerClassPath();
    assertTrue(classPath.stream().anyMatch(jar -> jar.endsWith("kafka_2.13-4.1.1.jar")), "kafka");
    assertTrue(classPath.stream().anyMatch(jar -> jar.contains("logback-classic")), "logging");
    assertFalse(classPath.stream().anyMatch(jar -> jar.contains("s3proxy")), "s3proxy");
    assertFalse(classPath.stream().anyMatch(jar -> jar.contains("jclouds")), "jclouds");
    assertFalse(classPath.stream().anyMatch(jar -> jar.contains("junit")), "test scope");
  }

  private static LocalKafka timedStart(Path dir) throws IOException {
    long started = System.nanoTime();
    LocalKafka kafka = LocalKafka.start(dir);
    System.out.printf(
        "LocalKafka started in %d ms on %s (pid %d)%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        kafka.bootstrapServers(),
        kafka.pid());
    return kafka;
  }

  private static void produce(LocalKafka kafka, Map<String, String> records)
      throws InterruptedException, ExecutionException {
    produceTo(kafka, TOPIC, records);
  }

  private static void produceTo(LocalKafka kafka, String topic, Map<String, String> records)
      throws InterruptedException, ExecutionException {
    Properties config = clientConfig(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      records.forEach(
          (key, value) -> acks.add(producer.send(new ProducerRecord<>(topic, key, value))));
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get();
      }
    }
  }

  /** Every record of the topic, from the beginning of each partition; a duplicate fails. */
  private static Map<String, String> consumeAll(LocalKafka kafka) {
    Properties config = clientConfig(kafka);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, String> received = new TreeMap<>();
    int count = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int empty = 0;
      // Until all arrived, then two empty polls to catch anything beyond them.
      while (System.nanoTime() < deadline && (count < RECORDS || empty < 2)) {
        int polled = 0;
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          received.put(record.key(), record.value());
          polled++;
        }
        count += polled;
        empty = polled == 0 ? empty + 1 : 0;
      }
      assertEquals(3, partitions.stream().filter(p -> consumer.position(p) > 0).count());
    }
    assertEquals(RECORDS, count, "records read");
    return received;
  }

  private static Properties clientConfig(LocalKafka kafka) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return config;
  }

  /** The broker and controller ports of the last start, from its server.properties. */
  private static List<Integer> ports(Path dir) throws IOException {
    Properties server = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("server.properties"))) {
      server.load(in);
    }
    List<Integer> ports = new ArrayList<>();
    for (String listener : server.getProperty("listeners").split(",")) {
      ports.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
    }
    return ports;
  }
}
