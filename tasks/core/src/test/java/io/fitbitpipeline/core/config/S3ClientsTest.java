package io.fitbitpipeline.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the S3 client puts on the wire over plain HTTP: signed requests hash their payload, unsigned
 * ones (a server that checks no signature) send the bytes as they are.
 */
class S3ClientsTest {
  private static final String BODY = "{\"activities-steps-intraday\":{\"dataset\":[]}}";

  private HttpServer server;
  private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          headers.add(Map.copyOf(exchange.getRequestHeaders()));
          exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void signedRequestsHashTheirPayload() {
    put(new PipelineConfig.StaticCredentials("key", "secret"));
    Map<String, List<String>> sent = headers.get(0);
    assertTrue(sent.get("Authorization").get(0).startsWith("AWS4-HMAC-SHA256 Credential=key/"));
    assertFalse(sent.get("X-amz-content-sha256").get(0).contains("UNSIGNED"), sent.toString());
  }

  @Test
  void unsignedRequestsSendThePayloadAsItIs() {
    put(PipelineConfig.StaticCredentials.forServerWithoutAuthentication("key", "secret"));
    Map<String, List<String>> sent = headers.get(0);
    assertFalse(sent.containsKey("Authorization"), sent.toString());
    assertFalse(
        sent.getOrDefault("X-amz-content-sha256", List.of("")).get(0).startsWith("STREAMING"),
        sent.toString());
    assertEquals(BODY, bodies.get(0), "the bytes as they are, not aws-chunked");
  }

  @Test
  void smallPutsSendTheirBodyWithoutWaitingForContinue() {
    // The SDK asks for "100 Continue" on every PutObject: a second round trip per upload.
    put(new PipelineConfig.StaticCredentials("key", "secret"));
    put(PipelineConfig.StaticCredentials.forServerWithoutAuthentication("key", "secret"));
    assertEquals(2, headers.size());
    for (Map<String, List<String>> sent : headers) {
      assertFalse(sent.containsKey("Expect"), sent.toString());
    }
    assertEquals(BODY, bodies.get(1), "the body still arrives whole");
  }

  @Test
  void largePutsStillAskForContinue() {
    String large = "x".repeat((int) SendBodyAtOnce.THRESHOLD_BYTES + 1);
    put(new PipelineConfig.StaticCredentials("key", "secret"), large);
    put(PipelineConfig.StaticCredentials.forServerWithoutAuthentication("key", "secret"), large);
    for (Map<String, List<String>> sent : headers) {
      assertEquals(List.of("100-continue"), sent.get("Expect"), sent.toString());
    }
    assertEquals(large, bodies.get(1));
  }

  @Test
  void unsignedCredentialsNeverPrintTheSecret() {
    String shown =
        PipelineConfig.StaticCredentials.forServerWithoutAuthentication("key", "secret").toString();
    assertFalse(shown.contains("secret"), shown);
    assertTrue(shown.contains("unsigned"), shown);
  }

  private void put(PipelineConfig.StaticCredentials credentials) {
    put(credentials, BODY);
  }

  private void put(PipelineConfig.StaticCredentials credentials, String body) {
    PipelineConfig config =
        PipelineConfig.fromEnvironment(Map.of())
            .withS3(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), credentials);
    try (S3Client s3 = S3Clients.create(config, new PrintStream(OutputStream.nullOutputStream()))) {
      s3.putObject(
          b -> b.bucket("raw").key("u1/2026-11-16/steps.json"), RequestBody.fromString(body));
    }
  }
}
