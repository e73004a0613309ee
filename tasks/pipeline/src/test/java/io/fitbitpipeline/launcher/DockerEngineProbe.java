package io.fitbitpipeline.launcher;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;

/**
 * Whether the Docker engine the tests tagged "docker" use answers, asked before Testcontainers is:
 * its own check falls back to other sockets, and would not tell that DOCKER_HOST names none.
 */
final class DockerEngineProbe {
  private final String socket;
  private final String dockerHost;

  private DockerEngineProbe(String dockerHost) {
    this.dockerHost = dockerHost;
    if (dockerHost == null || dockerHost.isBlank()) {
      this.socket = "/var/run/docker.sock";
    } else {
      this.socket = dockerHost.startsWith("unix://") ? dockerHost.substring(7) : null;
    }
  }

  /** The engine DOCKER_HOST names, or the default socket. */
  static DockerEngineProbe fromEnvironment() {
    return new DockerEngineProbe(System.getenv("DOCKER_HOST"));
  }

  /** Why no engine can be used (a test skips with it), or null when one answers. */
  String whyNoEngine() {
    if (socket == null) {
      // DOCKER_HOST names a TCP engine: Testcontainers' own check.
      return DockerClientFactory.instance().isDockerAvailable()
          ? null
          : "no Docker engine reachable at DOCKER_HOST=" + dockerHost;
    }
    String ping = get("/_ping");
    return ping.startsWith("200")
        ? null
        : "no Docker engine answers on "
            + socket
            + " ("
            + ping
            + "); start one with scripts/docker-env.sh";
  }

  /** True when the engine is a unix socket, which {@link #get} can ask. */
  boolean onUnixSocket() {
    return socket != null;
  }

  /** Status line of a GET on the engine's API ("200 OK"), or why there is none. */
  String get(String path) {
    if (socket == null) {
      return "no unix socket (DOCKER_HOST=" + dockerHost + ")";
    }
    if (!Files.exists(Path.of(socket))) {
      return "no socket " + socket;
    }
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      String encoded = URLEncoder.encode(path, StandardCharsets.UTF_8).replace("%2F", "/");
      channel.write(
          ByteBuffer.wrap(
              ("GET " + encoded + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buffer = ByteBuffer.allocate(256);
      channel.read(buffer);
      String response = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      String[] status = response.split("\r\n", 2)[0].split(" ", 2);
      return status.length == 2 ? status[1] : response;
    } catch (IOException e) {
      return e.toString();
    }
  }
}
