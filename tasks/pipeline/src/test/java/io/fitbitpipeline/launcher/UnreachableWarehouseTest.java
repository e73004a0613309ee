package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./pipeline run` with WAREHOUSE_JDBC_URL pointing at a closed port, as its own process (the
 * launcher's main): exit code 3, one line "ERROR: ..." on stderr, no stack trace.
 */
class UnreachableWarehouseTest {
  @TempDir Path temp;

  @Test
  void runExitsThreeWithOneErrorLine() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Path stdout = temp.resolve("stdout");
    Path stderr = temp.resolve("stderr");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dpipeline.state=" + temp.resolve("state"),
                Launcher.class.getName(),
                "run",
                "--from",
                "2026-11-16",
                "--to",
                "2026-11-16",
                "--activity",
                "steps")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("WAREHOUSE_") || k.startsWith("AWS_"));
    builder
        .environment()
        .put("WAREHOUSE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/fitbit");
    Process process = builder.start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the launcher ended");
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    String both = "stdout:\n" + out + "\nstderr:\n" + err;
    assertEquals(3, process.exitValue(), both);
    List<String> errors = err.lines().filter(l -> l.startsWith("ERROR: ")).toList();
    assertEquals(1, errors.size(), both);
    assertTrue(errors.get(0).startsWith("ERROR: warehouse: "), both);
    assertTrue(errors.get(0).contains(String.valueOf(closedPort)), both);
    assertFalse(both.contains("\tat ") || both.contains("Exception in thread"), both);
  }
}
