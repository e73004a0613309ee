package io.fitbitpipeline.core.lakehouse;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.config.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lakehouse's environment: defaults, overrides, Kafka security and what is never printed. */
class LakehouseConfigTest {
  private static final String PASSWORD = "s3cr\"et\\pa$$";

  @Test
  void defaultsFollowTheContract() {
    LakehouseConfig config = LakehouseConfig.fromEnvironment(Map.of());
    assertEquals("user_info", config.topic(LakehouseSource.USER_INFO));
    assertEquals("workout", config.topic(LakehouseSource.WORKOUT));
    assertEquals("bpm", config.topic(LakehouseSource.BPM));
    assertEquals(3, config.topics().size());
    assertEquals("fitbit-lakehouse", config.consumerGroup());
    assertEquals("landing", config.landingPrefix());
    assertEquals(200_000, config.maxBatchRecords());
    assertEquals("", config.bootstrapServers());
    assertEquals(Map.of(), config.clientProperties(), "no security settings by default");
  }

  @Test
  void landingSourcesAreNotTopics() {
    LakehouseConfig config = LakehouseConfig.fromEnvironment(Map.of());
    assertThrows(IllegalArgumentException.class, () -> config.topic(LakehouseSource.REGISTRATIONS));
    assertThrows(IllegalArgumentException.class, () -> config.topic(LakehouseSource.GYM_LOGINS));
  }

  @Test
  void topicNamesGroupLandingAndBatchSizeAreOverridden() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(
            Map.of(
                "KAFKA_TOPIC_USER_INFO", " prod.user_info ",
                "KAFKA_TOPIC_WORKOUT", "prod.workout",
                "KAFKA_TOPIC_BPM", "prod.bpm",
                "KAFKA_CONSUMER_GROUP", "group-2",
                "LANDING_PREFIX", "incoming",
                "LAKEHOUSE_MAX_BATCH_RECORDS", "1000",
                "KAFKA_BOOTSTRAP_SERVERS", "b-1:9098,b-2:9098"));
    assertEquals("prod.user_info", config.topic(LakehouseSource.USER_INFO), "trimmed");
    assertEquals("prod.workout", config.topic(LakehouseSource.WORKOUT));
    assertEquals("prod.bpm", config.topic(LakehouseSource.BPM));
    assertEquals("group-2", config.consumerGroup());
    assertEquals("incoming", config.landingPrefix());
    assertEquals(1000, config.maxBatchRecords());
    assertEquals("b-1:9098,b-2:9098", config.bootstrapServers());
    assertEquals(LakehouseSource.BPM, config.sourceOfTopic("prod.bpm"));
    assertEquals(LakehouseSource.USER_INFO, config.sourceOfTopic("prod.user_info"));
    assertThrows(IllegalArgumentException.class, () -> config.sourceOfTopic("bpm"));
  }

  @Test
  void aBlankOverrideKeepsTheDefault() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(Map.of("KAFKA_TOPIC_BPM", "  ", "LANDING_PREFIX", ""));
    assertEquals("bpm", config.topic(LakehouseSource.BPM));
    assertEquals("landing", config.landingPrefix());
  }

  @ParameterizedTest
  @ValueSource(strings = {"many", "0", "-1", "1.5"})
  void aBadBatchSizeNamesItsVariable(String value) {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> LakehouseConfig.fromEnvironment(Map.of("LAKEHOUSE_MAX_BATCH_RECORDS", value)));
    assertTrue(e.getMessage().contains("LAKEHOUSE_MAX_BATCH_RECORDS"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"msk-iam", "MSK-IAM"})
  void mskIamSetsEverythingTheIamLibraryNeeds(String auth) {
    LakehouseConfig config = LakehouseConfig.fromEnvironment(Map.of("KAFKA_AUTH", auth));
    assertEquals(
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "AWS_MSK_IAM",
            "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
            "sasl.client.callback.handler.class",
                "software.amazon.msk.auth.iam.IAMClientCallbackHandler"),
        config.clientProperties());
  }

  @Test
  void scramWithUserAndPasswordBuildsAnEscapedJaasConfig() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", "ana\"lee",
                "KAFKA_SASL_PASSWORD", PASSWORD));
    assertEquals(
        Map.of(
            "security.protocol",
            "SASL_SSL",
            "sasl.mechanism",
            "SCRAM-SHA-512",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"ana\\\"lee\" password=\"s3cr\\\"et\\\\pa$$\";"),
        config.clientProperties());
  }

  @Test
  void plainWithUserAndPasswordUsesThePlainLoginModule() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", "ana",
                "KAFKA_SASL_PASSWORD", "pw"));
    assertEquals("SASL_PLAINTEXT", config.clientProperties().get("security.protocol"));
    assertEquals("PLAIN", config.clientProperties().get("sasl.mechanism"));
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"ana\" password=\"pw\";",
        config.clientProperties().get("sasl.jaas.config"));
  }

  @Test
  void aProtocolAloneIsPassedThrough() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL"));
    assertEquals(Map.of("security.protocol", "SSL"), config.clientProperties());
  }

  @Test
  void anUnknownAuthIsAConfigurationErrorNamingTheVariable() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> LakehouseConfig.fromEnvironment(Map.of("KAFKA_AUTH", "kerberos")));
    assertTrue(e.getMessage().contains("KAFKA_AUTH"), e.getMessage());
    assertTrue(e.getMessage().contains("kerberos"), e.getMessage());
  }

  @Test
  void toStringNeverShowsTheSaslPassword() {
    LakehouseConfig config =
        LakehouseConfig.fromEnvironment(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9096",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", "ana",
                "KAFKA_SASL_PASSWORD", "hunter2-secret"));
    String shown = config.toString();
    assertFalse(shown.contains("hunter2"), shown);
    assertFalse(shown.contains("password="), shown);
    assertTrue(shown.contains("broker:9096"), shown);
    assertTrue(shown.contains("SCRAM-SHA-512"), shown);
    assertFalse(
        config.withBootstrapServers("other:9096").toString().contains("hunter2"),
        "a copy masks too");
  }

  @Test
  void requireKafkaNamesTheBootstrapVariable() {
    LakehouseConfig config = LakehouseConfig.fromEnvironment(Map.of());
    ConfigurationException e = assertThrows(ConfigurationException.class, config::requireKafka);
    assertTrue(e.getMessage().contains("KAFKA_BOOTSTRAP_SERVERS"), e.getMessage());
    assertThrows(
        ConfigurationException.class,
        LakehouseConfig.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "   "))::requireKafka);
    assertDoesNotThrow(config.withBootstrapServers("localhost:9092")::requireKafka);
    assertEquals(
        "localhost:9092", config.withBootstrapServers("localhost:9092").bootstrapServers());
  }
}
