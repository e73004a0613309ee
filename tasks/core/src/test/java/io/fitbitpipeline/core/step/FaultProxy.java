package io.fitbitpipeline.core.step;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting TCP proxy in front of a real S3-API server, shared by core's tests and the
 * launcher's fault suite (through core's test jar). For every GET it asks its {@link Plan} what to
 * do with the n-th request for that path: pass it, answer 500 InternalError or 503 SlowDown itself
 * (the upstream never sees it), let the upstream answer but cut the connection after some bytes of
 * the body (alternately a TCP reset and an orderly close), or hold the answer back for a while.
 * Requests with a body (PUT, POST) pass untouched, and so does everything after a chunked upload on
 * its connection. HTTP/1.1 clients send one request at a time per connection, so a request head
 * read whole names the response that follows; request bodies are passed on by their Content-Length,
 * so a pooled connection that carried an upload is still watched.
 */
public final class FaultProxy implements AutoCloseable {
  /** What happens to one request. */
  public enum Fault {
    PASS,
    INTERNAL_ERROR,
    SLOW_DOWN,
    RESET_MID_BODY,
    SLOW_ANSWER
  }

  /** Decides the fault of the {@code attempt}-th GET (1-based) of {@code path} (no query). */
  public interface Plan {
    Fault fault(String path, int attempt);
  }

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Plan plan;
  private final int cutAfter;
  private final long slowMillis;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();

  public FaultProxy(URI upstream, Plan plan, int cutAfter, long slowMillis) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.plan = plan;
    this.cutAfter = cutAfter;
    this.slowMillis = slowMillis;
    start(this::accept, "fault-proxy");
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** How often each fault was injected. */
  public int injected(Fault fault) {
    AtomicInteger n = injected.get(fault);
    return n == null ? 0 : n.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket();
        target.connect(upstream);
        Connection connection = new Connection(client, target);
        start(connection::requests, "fault-proxy-requests");
        start(connection::responses, "fault-proxy-responses");
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

  private Fault decide(String requestLine) {
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[0].equals("GET")) {
      return Fault.PASS;
    }
    String path = parts[1].contains("?") ? parts[1].substring(0, parts[1].indexOf('?')) : parts[1];
    int attempt = attempts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    Fault fault = plan.fault(path, attempt);
    if (fault != Fault.PASS) {
      injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
    }
    return fault;
  }

  private final class Connection {
    private final Socket client;
    private final Socket target;

    /** Bytes of the current response still to pass before the cut; -1: no cut planned. */
    private volatile long cutBudget = -1;

    private volatile boolean slow;

    Connection(Socket client, Socket target) {
      this.client = client;
      this.target = target;
    }

    void requests() {
      try (InputStream in = client.getInputStream();
          OutputStream out = target.getOutputStream()) {
        while (true) {
          byte[] head = readHead(in);
          if (head == null) {
            return;
          }
          String text = new String(head, StandardCharsets.ISO_8859_1);
          String requestLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
          String lower = text.toLowerCase(java.util.Locale.ROOT);
          long length = contentLength(lower);
          boolean chunked = lower.contains("\ntransfer-encoding:");
          Fault fault = length > 0 || chunked ? Fault.PASS : decide(requestLine);
          switch (fault) {
            case INTERNAL_ERROR -> answer(500, "Internal Server Error", "InternalError");
            case SLOW_DOWN -> answer(503, "Slow Down", "SlowDown");
            default -> {
              cutBudget = fault == Fault.RESET_MID_BODY ? cutAfter : -1;
              slow = fault == Fault.SLOW_ANSWER;
              out.write(head);
              if (length > 0) {
                copy(in, out, length);
              }
              out.flush();
            }
          }
          if (chunked) {
            // From here on, a plain pipe: chunked uploads are not worth parsing.
            in.transferTo(out);
            return;
          }
        }
      } catch (IOException e) {
        // One side went away.
      } finally {
        closeQuietly();
      }
    }

    private static long contentLength(String head) {
      int at = head.indexOf("\ncontent-length:");
      if (at < 0) {
        return 0;
      }
      int end = head.indexOf('\r', at + 1);
      return Long.parseLong(head.substring(at + "\ncontent-length:".length(), end).trim());
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
      byte[] buffer = new byte[8192];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("the request body ended early");
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    }

    /** The request head up to and including the blank line; null at the end of the stream. */
    private byte[] readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (true) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        // \r\n\r\n
        state =
            (b == '\r' && (state == 0 || state == 2))
                ? state + 1
                : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        if (state == 4) {
          return head.toByteArray();
        }
      }
    }

    private void answer(int status, String reason, String code) throws IOException {
      byte[] body =
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                  + code
                  + "</Code><Message>injected fault</Message><RequestId>fault</RequestId></Error>")
              .getBytes(StandardCharsets.UTF_8);
      String head =
          "HTTP/1.1 "
              + status
              + " "
              + reason
              + "\r\nContent-Type: application/xml\r\nContent-Length: "
              + body.length
              + "\r\nx-amz-request-id: fault\r\n\r\n";
      OutputStream out = client.getOutputStream();
      synchronized (client) {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
      }
    }

    void responses() {
      byte[] buffer = new byte[8192];
      try (InputStream in = target.getInputStream();
          OutputStream out = client.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (slow) {
            slow = false;
            Thread.sleep(slowMillis);
          }
          long budget = cutBudget;
          synchronized (client) {
            if (budget >= 0 && n >= budget) {
              out.write(buffer, 0, (int) budget);
              out.flush();
              cut(injected(Fault.RESET_MID_BODY) % 2 == 1);
              return;
            }
            out.write(buffer, 0, n);
            out.flush();
          }
          if (budget >= 0) {
            cutBudget = budget - n;
          }
        }
      } catch (IOException e) {
        // One side went away.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly();
      }
    }

    private void cut(boolean reset) {
      // A TCP reset, as a dying middlebox sends, or an orderly close that leaves the body shorter
      // than announced.
      if (reset) {
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
