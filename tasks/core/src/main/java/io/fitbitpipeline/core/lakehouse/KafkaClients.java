package io.fitbitpipeline.core.lakehouse;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients built the same way for a local broker and Amazon MSK: only settings differ. */
public final class KafkaClients {
  private final LakehouseConfig config;

  public KafkaClients(LakehouseConfig config) {
    this.config = config;
  }

  /**
   * A consumer for bronze ingestion. Positions come from the warehouse (assign and seek), never
   * from the group; the group's committed offsets are written only for lag monitoring.
   */
  public Consumer<byte[], byte[]> consumer() {
    config.requireKafka();
    Map<String, Object> props = common();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Records of aborted producer transactions are never ingested.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  /** A producer of JSON text records (the simulator, tests). */
  public Producer<String, String> producer() {
    config.requireKafka();
    Map<String, Object> props = common();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(props);
  }

  /** Admin client properties (topic creation in local stacks and tests). */
  public Map<String, Object> adminProperties() {
    config.requireKafka();
    return common();
  }

  private Map<String, Object> common() {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put("bootstrap.servers", config.bootstrapServers());
    props.put("client.dns.lookup", "use_all_dns_ips");
    return props;
  }
}
