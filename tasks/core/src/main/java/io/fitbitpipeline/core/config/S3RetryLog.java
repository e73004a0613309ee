package io.fitbitpipeline.core.config;

import java.io.PrintStream;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Makes the SDK's own retries visible: the SDK retries 5xx answers, throttling (503 SlowDown) and
 * broken connections by itself, bounded by its retry policy, but says nothing while it does. Every
 * attempt after the first is logged with its number, so a run that slowly fights a failing endpoint
 * shows it in its log instead of only being slow. The SDK marks each attempt in the amz-sdk-request
 * header ("attempt=2; max=3"). Only the method and path are logged, never headers (they carry the
 * signature).
 */
final class S3RetryLog implements ExecutionInterceptor {
  private final PrintStream err;

  S3RetryLog(PrintStream err) {
    this.err = err;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    String marker = request.firstMatchingHeader("amz-sdk-request").orElse("");
    String attempt = field(marker, "attempt");
    String max = field(marker, "max");
    if (attempt.isEmpty() || attempt.equals("1")) {
      return;
    }
    err.println(
        "WARN: S3 "
            + request.method()
            + " "
            + request.encodedPath()
            + ": the SDK retries, attempt "
            + attempt
            + (max.isEmpty() ? "" : " of " + max));
  }

  private static String field(String marker, String name) {
    for (String part : marker.split(";")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2 && kv[0].equals(name)) {
        return kv[1].trim();
      }
    }
    return "";
  }
}
