package io.fitbitpipeline.core.config;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends a PUT's body with its headers, without waiting for the server's "100 Continue". The S3 SDK
 * asks for it on every PutObject and UploadPart ("Expect: 100-continue"), which costs each upload a
 * second round trip: headers, wait for the interim answer, then the body. The step's uploads are
 * small (a date's Parquet file, a manifest), so sending a body the server refuses costs less than
 * the extra round trip, which the transform pays three times one after the other at its end (the
 * last date's files, the load manifests, the transform manifest). Runs after the SDK's own
 * interceptors (client interceptors come last), so it sees the header they added.
 */
final class SendBodyAtOnce implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    if (request.firstMatchingHeader("Expect").isEmpty()) {
      return request;
    }
    return request.toBuilder().removeHeader("Expect").build();
  }
}
