package io.fitbitpipeline.core.config;

import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends a small PUT's body with its headers, without waiting for the server's "100 Continue". The
 * S3 SDK (2.40) asks for it on every PutObject and UploadPart ("Expect: 100-continue"), which costs
 * each upload a second round trip: headers, wait for the interim answer, then the body. The
 * transform pays three of them one after the other at its end (the last date's files, the load
 * manifests, the transform manifest). Up to {@link #THRESHOLD_BYTES} (a date's Parquet file, a
 * manifest) sending a body the server refuses costs less than that round trip; larger bodies keep
 * the header, as do bodies of unknown length. Later SDKs do the same by default
 * (expectContinueThresholdInBytes, 1 MB). Runs after the SDK's own interceptors (a client's
 * interceptors come last), so it sees the header they added.
 */
final class SendBodyAtOnce implements ExecutionInterceptor {
  static final long THRESHOLD_BYTES = 1024 * 1024;

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    if (request.firstMatchingHeader("Expect").isEmpty()
        || payloadBytes(request).filter(n -> n <= THRESHOLD_BYTES).isEmpty()) {
      return request;
    }
    return request.toBuilder().removeHeader("Expect").build();
  }

  /** The body's length: the payload's for an aws-chunked (signed, streamed) body. */
  private static Optional<Long> payloadBytes(SdkHttpRequest request) {
    Optional<String> length =
        request
            .firstMatchingHeader("x-amz-decoded-content-length")
            .or(() -> request.firstMatchingHeader("Content-Length"));
    try {
      return length.map(Long::parseLong);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
