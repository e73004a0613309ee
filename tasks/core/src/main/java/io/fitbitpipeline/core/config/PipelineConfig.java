package io.fitbitpipeline.core.config;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of the pipeline, read from environment variables (the README's table lists them).
 * The password is held but never printed: {@link #toString()} masks it.
 */
public record PipelineConfig(
    String rawBucket,
    String rawPrefix,
    String lakeBucket,
    String region,
    Optional<URI> s3Endpoint,
    Optional<StaticCredentials> s3Credentials,
    String jdbcUrl,
    String warehouseUser,
    String warehousePassword,
    String dialect,
    boolean iamAuth,
    String redshiftIamRole,
    Set<String> users,
    int minValidHours,
    int lookbackWeeks) {

  /**
   * Credentials given in-process (the embedded local stack); otherwise the SDK's chain.
   *
   * @param unsigned this process sends its requests unsigned (anonymous) because the server checks
   *     no signature (the embedded s3proxy); the keys are still what other processes present
   *     (`serve --env-file`). Over plain HTTP the SDK hashes every signed payload with SHA-256 (it
   *     cannot be turned off), a third of the launcher's upload time of a 100-user week. Never for
   *     AWS, which refuses anonymous requests to private buckets.
   */
  public record StaticCredentials(String accessKeyId, String secretAccessKey, boolean unsigned) {
    /** Keys this process signs with. */
    public StaticCredentials(String accessKeyId, String secretAccessKey) {
      this(accessKeyId, secretAccessKey, false);
    }

    /** Keys for other processes; this one sends unsigned requests to a server that checks none. */
    public static StaticCredentials forServerWithoutAuthentication(
        String accessKeyId, String secretAccessKey) {
      return new StaticCredentials(accessKeyId, secretAccessKey, true);
    }

    @Override
    public String toString() {
      return "StaticCredentials[" + accessKeyId + ", ****" + (unsigned ? ", unsigned" : "") + "]";
    }
  }

  public static PipelineConfig fromEnvironment(Map<String, String> env) {
    String jdbcUrl = get(env, "WAREHOUSE_JDBC_URL", "");
    return new PipelineConfig(
        get(env, "RAW_BUCKET", "fitbit-raw"),
        get(env, "RAW_PREFIX", "raw"),
        get(env, "LAKE_BUCKET", "fitbit-lake"),
        get(env, "AWS_REGION", get(env, "AWS_DEFAULT_REGION", "us-east-1")),
        Optional.ofNullable(blankToNull(env.get("AWS_ENDPOINT_URL_S3"))).map(URI::create),
        Optional.empty(),
        jdbcUrl,
        get(env, "WAREHOUSE_USER", ""),
        get(env, "WAREHOUSE_PASSWORD", ""),
        dialectOf(get(env, "WAREHOUSE_DIALECT", ""), jdbcUrl),
        Boolean.parseBoolean(get(env, "WAREHOUSE_IAM_AUTH", "false")),
        get(env, "REDSHIFT_IAM_ROLE", ""),
        Arrays.stream(get(env, "FITBIT_USERS", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        minValidHours(get(env, "YIELD_MIN_VALID_HOURS", "10")),
        lookbackWeeks(get(env, "LOOKBACK_WEEKS", "4")));
  }

  /**
   * LOOKBACK_WEEKS: weeks before a run's window that extract also lists for new or changed (late)
   * files, 0 to 520; the ledger makes unchanged files there cost nothing but the listing.
   */
  static int lookbackWeeks(String value) {
    try {
      int weeks = Integer.parseInt(value);
      if (weeks >= 0 && weeks <= 520) {
        return weeks;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new ConfigurationException(
        "LOOKBACK_WEEKS is '" + value + "'; expected a whole number of weeks, 0 to 520");
  }

  /** YIELD_MIN_VALID_HOURS: valid hours that make a valid day in fitbit.data_yield (1 to 24). */
  static int minValidHours(String value) {
    try {
      int hours = Integer.parseInt(value);
      if (hours >= 1 && hours <= 24) {
        return hours;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new ConfigurationException(
        "YIELD_MIN_VALID_HOURS is '" + value + "'; expected a whole number of hours, 1 to 24");
  }

  static String dialectOf(String configured, String jdbcUrl) {
    if (!configured.isBlank()) {
      String d = configured.trim().toLowerCase(java.util.Locale.ROOT);
      if (!d.equals("postgresql") && !d.equals("redshift")) {
        throw new ConfigurationException(
            "WAREHOUSE_DIALECT is '" + configured + "'; expected postgresql or redshift");
      }
      return d;
    }
    return jdbcUrl.startsWith("jdbc:redshift:") ? "redshift" : "postgresql";
  }

  public PipelineConfig withS3(URI endpoint, StaticCredentials credentials) {
    return new PipelineConfig(
        rawBucket,
        rawPrefix,
        lakeBucket,
        region,
        Optional.of(endpoint),
        Optional.of(credentials),
        jdbcUrl,
        warehouseUser,
        warehousePassword,
        dialect,
        iamAuth,
        redshiftIamRole,
        users,
        minValidHours,
        lookbackWeeks);
  }

  public PipelineConfig withWarehouse(String url, String user, String password) {
    return new PipelineConfig(
        rawBucket,
        rawPrefix,
        lakeBucket,
        region,
        s3Endpoint,
        s3Credentials,
        url,
        user,
        password,
        dialectOf("", url),
        iamAuth,
        redshiftIamRole,
        users,
        minValidHours,
        lookbackWeeks);
  }

  public void requireWarehouse() {
    if (jdbcUrl.isBlank()) {
      throw new ConfigurationException(
          "WAREHOUSE_JDBC_URL is not set (jdbc:postgresql://... or jdbc:redshift://...)");
    }
  }

  private static String get(Map<String, String> env, String name, String fallback) {
    String value = blankToNull(env.get(name));
    return value == null ? fallback : value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public String toString() {
    return "PipelineConfig[raw=s3://"
        + rawBucket
        + "/"
        + rawPrefix
        + ", lake=s3://"
        + lakeBucket
        + ", region="
        + region
        + ", s3Endpoint="
        + s3Endpoint.map(URI::toString).orElse("AWS")
        + ", warehouse="
        + jdbcUrl
        + " as "
        + warehouseUser
        + " ("
        + dialect
        + "), password=****]";
  }
}
