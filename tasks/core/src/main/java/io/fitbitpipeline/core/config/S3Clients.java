package io.fitbitpipeline.core.config;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the S3 client the same way for AWS and for S3-API servers: only endpoint and keys differ.
 */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client create(PipelineConfig config) {
    return create(config, System.err);
  }

  /** As {@link #create(PipelineConfig)}; the SDK's retries are logged to {@code retryLog}. */
  public static S3Client create(PipelineConfig config, java.io.PrintStream retryLog) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .httpClient(UrlConnectionHttpClient.create())
            // Checksums only where S3 requires them: S3-API servers refuse the SDK's
            // default trailing checksums (HTTP 501 on x-amz-trailer).
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(new S3RetryLog(retryLog))
                        .addExecutionInterceptor(new SendBodyAtOnce()));
    config
        .s3Endpoint()
        .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
    AwsCredentialsProvider credentials =
        config
            .s3Credentials()
            .<AwsCredentialsProvider>map(
                c ->
                    c.unsigned()
                        ? AnonymousCredentialsProvider.create()
                        : StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    builder.credentialsProvider(credentials);
    return builder.build();
  }
}
