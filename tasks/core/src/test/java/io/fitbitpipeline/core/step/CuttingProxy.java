package io.fitbitpipeline.core.step;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A TCP proxy in front of an S3-API server that breaks connections in the middle of response
 * bodies: the first {@code cutsPerObject(path)} GETs of each object whose path matches are cut off
 * after {@code cutAfter} bytes of the response, alternately with a TCP reset and an orderly close.
 * Everything else passes through. Plain sockets, one thread per direction; HTTP/1.1 clients send
 * one request at a time per connection, so the last request line seen on a connection names the
 * response that follows.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Predicate<String> cut;
  private final java.util.function.ToIntFunction<String> cutsPerObject;
  private final int cutAfter;
  private final Map<String, AtomicInteger> cutsByPath = new ConcurrentHashMap<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Thread acceptor;

  CuttingProxy(
      URI upstream,
      Predicate<String> cut,
      java.util.function.ToIntFunction<String> cutsPerObject,
      int cutAfter)
      throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.cut = cut;
    this.cutsPerObject = cutsPerObject;
    this.cutAfter = cutAfter;
    this.acceptor = new Thread(this::accept, "cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Responses cut so far. */
  int cuts() {
    return cuts.get();
  }

  /** How often each path was cut. */
  Map<String, AtomicInteger> cutsByPath() {
    return cutsByPath;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket();
        target.connect(upstream);
        Connection connection = new Connection(client, target);
        start(connection::requests, "proxy-requests");
        start(connection::responses, "proxy-responses");
      } catch (IOException e) {
        // Closed, or the upstream refused: the client sees a failed connection.
      }
    }
  }

  private static void start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  private final class Connection {
    private final Socket client;
    private final Socket target;

    /** Bytes of the current response still to pass before the reset; -1: no cut planned. */
    private volatile long cutBudget = -1;

    /** The path of the current request. */
    private volatile String currentPath;

    Connection(Socket client, Socket target) {
      this.client = client;
      this.target = target;
    }

    void requests() {
      StringBuilder line = new StringBuilder();
      byte[] buffer = new byte[8192];
      try (InputStream in = client.getInputStream();
          OutputStream out = target.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          // Request lines are ASCII; a body that happens to hold "GET /" is harmless here.
          for (int i = 0; i < n; i++) {
            char c = (char) (buffer[i] & 0xff);
            if (c == '\n') {
              seen(line.toString().trim());
              line.setLength(0);
            } else if (line.length() < 4096) {
              line.append(c);
            }
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side went away.
      } finally {
        closeQuietly();
      }
    }

    private void seen(String requestLine) {
      if (!requestLine.matches("[A-Z]+ /\\S* HTTP/1\\.1")) {
        return;
      }
      cutBudget = -1;
      if (!requestLine.startsWith("GET /")) {
        return;
      }
      String path = requestLine.substring(4, requestLine.length() - " HTTP/1.1".length());
      if (path.contains("?") || !cut.test(path)) {
        cutBudget = -1;
        return;
      }
      AtomicInteger done = cutsByPath.computeIfAbsent(path, p -> new AtomicInteger());
      currentPath = path;
      cutBudget = done.get() < cutsPerObject.applyAsInt(path) ? cutAfter : -1;
    }

    void responses() {
      byte[] buffer = new byte[8192];
      try (InputStream in = target.getInputStream();
          OutputStream out = client.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          long budget = cutBudget;
          if (budget >= 0 && n >= budget) {
            out.write(buffer, 0, (int) budget);
            out.flush();
            cuts.incrementAndGet();
            reset();
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
          if (budget >= 0) {
            cutBudget = budget - n;
          }
        }
      } catch (IOException e) {
        // One side went away.
      } finally {
        closeQuietly();
      }
    }

    private void reset() {
      // Counted for the path whose response this is; then, alternately, a TCP reset (as a dying
      // middlebox does) or an orderly close that leaves the body shorter than announced.
      cutsByPath.get(currentPath).incrementAndGet();
      if (cuts.get() % 2 == 1) {
        try {
          client.setSoLinger(true, 0);
        } catch (IOException e) {
          // Closing anyway.
        }
      }
      closeQuietly();
    }

    private void closeQuietly() {
      try {
        client.close();
      } catch (IOException e) {
        // Already closed.
      }
      try {
        target.close();
      } catch (IOException e) {
        // Already closed.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
