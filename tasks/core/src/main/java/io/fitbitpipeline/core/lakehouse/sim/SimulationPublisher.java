package io.fitbitpipeline.core.lakehouse.sim;

import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lakehouse.KafkaClients;
import io.fitbitpipeline.core.lakehouse.LakehouseConfig;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Sends a simulation where the real inputs arrive: its records to the configured Kafka topics (as
 * fast as possible, or each at its event time to follow real time) and its CSV files to the raw
 * bucket's landing folders.
 */
public final class SimulationPublisher {
  private final LakehouseConfig config;
  private final ObjectStore store;
  private final String rawBucket;
  private final Clock clock;

  public SimulationPublisher(
      LakehouseConfig config, ObjectStore store, String rawBucket, Clock clock) {
    this.config = config;
    this.store = store;
    this.rawBucket = rawBucket;
    this.clock = clock;
  }

  /** Creates the three topics with {@code partitions} partitions where they do not exist. */
  public void ensureTopics(int partitions) throws InterruptedException {
    try (Admin admin = Admin.create(new KafkaClients(config).adminProperties())) {
      List<NewTopic> topics = new ArrayList<>();
      for (LakehouseSource source : LakehouseSource.topics()) {
        topics.add(new NewTopic(config.topic(source), partitions, (short) 1));
      }
      for (var result : admin.createTopics(topics).values().values()) {
        try {
          result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("creating topics: " + e.getCause().getMessage(), e);
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException("creating topics timed out", e);
        }
      }
    }
  }

  /** Writes the simulation's CSV files as landing/{source}/{name}.csv; returns their keys. */
  public List<String> writeLanding(StreamSimulator simulation, String name) {
    String registrations = landingKey(LakehouseSource.REGISTRATIONS, name);
    String gymLogins = landingKey(LakehouseSource.GYM_LOGINS, name);
    store.put(
        rawBucket, registrations, simulation.registrationsCsv().getBytes(StandardCharsets.UTF_8));
    store.put(rawBucket, gymLogins, simulation.gymLoginsCsv().getBytes(StandardCharsets.UTF_8));
    return List.of(registrations, gymLogins);
  }

  public String landingKey(LakehouseSource source, String name) {
    return config.landingPrefix() + "/" + source.id() + "/" + name + ".csv";
  }

  /**
   * Produces every record of the simulation; with {@code realTime}, a record whose event time is
   * still ahead waits for it. Returns the records sent per topic.
   */
  public Map<String, Long> produce(StreamSimulator simulation, boolean realTime)
      throws InterruptedException {
    Map<String, Long> sent = new java.util.TreeMap<>();
    try (Producer<String, String> producer = new KafkaClients(config).producer()) {
      RuntimeException[] failure = new RuntimeException[1];
      try {
        simulation.generate(
            record -> {
              if (realTime) {
                long wait = record.eventEpochMillis() - clock.millis();
                if (wait > 0) {
                  try {
                    producer.flush();
                    Thread.sleep(wait);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                  }
                }
              }
              String topic = config.topic(LakehouseSource.parse(record.topic()));
              producer.send(
                  new ProducerRecord<>(topic, record.key(), record.value()),
                  (metadata, e) -> {
                    if (e != null && failure[0] == null) {
                      failure[0] = new IllegalStateException("producing to " + topic, e);
                    }
                  });
              sent.merge(topic, 1L, Long::sum);
            });
      } catch (Stopped e) {
        // Interrupted while following real time: what was sent so far is flushed below.
      }
      producer.flush();
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    return sent;
  }

  /** Unwinds the generator when a real-time run is interrupted. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }
}
