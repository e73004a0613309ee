package io.fitbitpipeline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A TCP proxy on loopback that holds every request for a fixed delay before passing it on: the
 * round trip of an S3 request from a worker to a regional endpoint. A request is recognised as the
 * first bytes the client sends after the server has answered (HTTP/1.1 keep-alive), so each request
 * on a reused connection waits too.
 */
final class LatencyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final String targetHost;
  private final int targetPort;
  private final long delayMillis;
  private final Consumer<String> requests;

  LatencyProxy(String targetHost, int targetPort, long delayMillis) throws IOException {
    this(targetHost, targetPort, delayMillis, line -> {});
  }

  /**
   * The same; {@code requests} hears the request line of every request it holds (a count), and
   * "CONNECT" for every connection a client opens.
   */
  LatencyProxy(String targetHost, int targetPort, long delayMillis, Consumer<String> requests)
      throws IOException {
    this.requests = requests;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.delayMillis = delayMillis;
    threads.submit(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        // Not held (the handshake's round trips are not modelled), but counted: on AWS each new
        // connection costs a TCP and TLS handshake before its first request.
        requests.accept("CONNECT");
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort));
        AtomicBoolean answered = new AtomicBoolean(true);
        threads.submit(() -> pump(client, upstream, answered, true));
        threads.submit(() -> pump(upstream, client, answered, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicBoolean answered, boolean request) {
    byte[] buffer = new byte[64 * 1024];
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (request && answered.getAndSet(false)) {
          requests.accept(requestLine(buffer, n));
          Thread.sleep(delayMillis);
        } else if (!request) {
          answered.set(true);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // A closed side ends both directions.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** "GET /bucket/key HTTP/1.1", the first line of what the client sent (or its start). */
  private static String requestLine(byte[] buffer, int n) {
    int end = 0;
    while (end < n && end < 512 && buffer[end] != '\r' && buffer[end] != '\n') {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "latency-proxy");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
