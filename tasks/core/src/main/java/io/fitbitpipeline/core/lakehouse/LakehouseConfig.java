package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.config.ConfigurationException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The lakehouse's settings beyond the batch pipeline's (buckets and warehouse come from {@link
 * io.fitbitpipeline.core.config.PipelineConfig}): how to reach Kafka, the topic names, the consumer
 * group, the landing folder and the batch size. Secrets are held but {@link #toString()} masks
 * them.
 *
 * @param clientProperties Kafka client properties for security (SASL/TLS, MSK IAM), never logged
 */
public record LakehouseConfig(
    String bootstrapServers,
    Map<String, String> clientProperties,
    Map<LakehouseSource, String> topics,
    String consumerGroup,
    String landingPrefix,
    int maxBatchRecords) {

  /** The Kafka client properties that may hold a secret: masked wherever they are printed. */
  private static final Set<String> SECRET = Set.of("sasl.jaas.config", "ssl.key.password");

  public static LakehouseConfig fromEnvironment(Map<String, String> env) {
    Map<LakehouseSource, String> topics = new EnumMap<>(LakehouseSource.class);
    for (LakehouseSource source : LakehouseSource.topics()) {
      topics.put(source, get(env, "KAFKA_TOPIC_" + source.name(), source.id()));
    }
    if (topics.values().stream().distinct().count() < topics.size()) {
      throw new ConfigurationException(
          "KAFKA_TOPIC_USER_INFO, KAFKA_TOPIC_WORKOUT and KAFKA_TOPIC_BPM must name three"
              + " different topics: "
              + topics.values());
    }
    int batch;
    try {
      batch = Integer.parseInt(get(env, "LAKEHOUSE_MAX_BATCH_RECORDS", "200000"));
    } catch (NumberFormatException e) {
      throw new ConfigurationException("LAKEHOUSE_MAX_BATCH_RECORDS must be a whole number");
    }
    if (batch < 1) {
      throw new ConfigurationException("LAKEHOUSE_MAX_BATCH_RECORDS must be at least 1");
    }
    return new LakehouseConfig(
        get(env, "KAFKA_BOOTSTRAP_SERVERS", ""),
        security(env),
        Map.copyOf(topics),
        get(env, "KAFKA_CONSUMER_GROUP", "fitbit-lakehouse"),
        get(env, "LANDING_PREFIX", "landing"),
        batch);
  }

  /**
   * KAFKA_AUTH=msk-iam sets everything Amazon MSK's IAM authentication needs (credentials from the
   * AWS chain: the task role); otherwise KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and
   * KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD (PLAIN or SCRAM) are passed through.
   */
  static Map<String, String> security(Map<String, String> env) {
    Map<String, String> props = new LinkedHashMap<>();
    String auth = get(env, "KAFKA_AUTH", "none").toLowerCase(Locale.ROOT);
    switch (auth) {
      case "none" -> {
        String protocol = get(env, "KAFKA_SECURITY_PROTOCOL", "");
        if (!protocol.isEmpty()) {
          props.put("security.protocol", protocol);
        }
        String mechanism = get(env, "KAFKA_SASL_MECHANISM", "").toUpperCase(Locale.ROOT);
        if (!mechanism.isEmpty()) {
          props.put("sasl.mechanism", mechanism);
          // A mechanism without a protocol would silently fall back to PLAINTEXT.
          props.putIfAbsent("security.protocol", "SASL_SSL");
          String user = get(env, "KAFKA_SASL_USERNAME", "");
          String module =
              mechanism.startsWith("SCRAM")
                  ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                  : "org.apache.kafka.common.security.plain.PlainLoginModule";
          if (!user.isEmpty()) {
            props.put(
                "sasl.jaas.config",
                module
                    + " required username=\""
                    + escape(user)
                    + "\" password=\""
                    + escape(get(env, "KAFKA_SASL_PASSWORD", ""))
                    + "\";");
          }
        }
      }
      case "msk-iam" -> {
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "AWS_MSK_IAM");
        props.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
        props.put(
            "sasl.client.callback.handler.class",
            "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
      }
      default ->
          throw new ConfigurationException(
              "KAFKA_AUTH is '" + auth + "'; expected none or msk-iam");
    }
    return Map.copyOf(props);
  }

  public void requireKafka() {
    if (bootstrapServers.isBlank()) {
      throw new ConfigurationException(
          "KAFKA_BOOTSTRAP_SERVERS is not set (host:port of the Kafka brokers)");
    }
  }

  public String topic(LakehouseSource source) {
    String topic = topics.get(source);
    if (topic == null) {
      throw new IllegalArgumentException(source + " is not a Kafka topic");
    }
    return topic;
  }

  /** The source a topic name belongs to (the configured names, not the defaults). */
  public LakehouseSource sourceOfTopic(String topic) {
    return topics.entrySet().stream()
        .filter(e -> e.getValue().equals(topic))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no source reads topic " + topic));
  }

  public LakehouseConfig withBootstrapServers(String servers) {
    return new LakehouseConfig(
        servers, clientProperties, topics, consumerGroup, landingPrefix, maxBatchRecords);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String get(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, SECRET.contains(k) ? "****" : v));
    return "LakehouseConfig[kafka="
        + bootstrapServers
        + ", client="
        + shown
        + ", topics="
        + topics
        + ", group="
        + consumerGroup
        + ", landing="
        + landingPrefix
        + ", maxBatchRecords="
        + maxBatchRecords
        + "]";
  }
}
