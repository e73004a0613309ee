package io.fitbitpipeline.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker on loopback (KRaft: broker and controller in one JVM), standing in for
 * Amazon MSK locally and in tests. Clients reach it exactly as they reach MSK; only the bootstrap
 * servers and the security settings differ.
 *
 * <p>The broker runs in a child JVM ({@code java -cp ... kafka.Kafka server.properties}), not in
 * this process: its logging, threads and heap stay out of the caller, and a test can kill a client
 * process without killing the broker. The child's class path is the broker's own dependency tree,
 * not the caller's class path: the build writes the tree of this module into {@code
 * dependencies.tgf} (maven-dependency-plugin), and the jars of the broker's part of it are looked
 * up on this JVM's class path, following the manifest Class-Path of its jars (the launcher runs as
 * {@code java -jar pipeline.jar}; Surefire may run from a manifest-only jar). The broker logs
 * through logback, which the callers already have: a log4j SLF4J binding on the callers' class path
 * would compete with their logback.
 *
 * <p>The controller quorum is the static {@code controller.quorum.voters}: ports are chosen at each
 * start, and a dynamic quorum would keep the first start's controller endpoint in its metadata.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

  /** The roots of the broker's part of the dependency tree. */
  private static final List<String> BROKER_ROOTS =
      List.of("org.apache.kafka:kafka_2.13", "ch.qos.logback:logback-classic");

  private static final String LOGBACK_XML =
      String.join(
          "\n",
          "<configuration>",
          "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
          "    <encoder><pattern>%d %level %logger{30}: %msg%n</pattern></encoder>",
          "  </appender>",
          "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>",
          "  <!-- At INFO a start and a stop log 400 lines; these say started, unfenced, stopped. -->",
          "  <logger name=\"kafka.server.KafkaRaftServer\" level=\"INFO\"/>",
          "  <logger name=\"kafka.server.BrokerLifecycleManager\" level=\"INFO\"/>",
          "</configuration>",
          "");

  private final Process process;
  private final int port;
  private final Path pidFile;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalKafka(Process process, int port, Path pidFile, Thread shutdownHook) {
    this.process = process;
    this.port = port;
    this.pidFile = pidFile;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Starts a broker whose data (KRaft metadata and logs) live in {@code dataDir}; formats the
   * storage on first use with a random cluster id and reuses it on later starts. Waits until the
   * broker answers (at most 90 s; on a timeout or an early exit the IOException quotes the end of
   * {@code broker.log}). A broker left running on the same {@code dataDir} by a killed parent is
   * stopped first (its pid file).
   */
  public static LocalKafka start(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path pidFile = dir.resolve("broker.pid");
    Path serverProperties = dir.resolve("server.properties");
    Path logFile = dir.resolve("broker.log");
    Path logbackXml = dir.resolve("logback.xml");
    Path logDir = dir.resolve("data");

    stopLeftover(pidFile, serverProperties);
    checkUnused(logDir);
    String classPath = String.join(File.pathSeparator, brokerClassPath());
    int port = LocalPostgres.freePort();
    int controllerPort = LocalPostgres.freePort();
    while (controllerPort == port) {
      controllerPort = LocalPostgres.freePort();
    }
    Files.writeString(serverProperties, serverProperties(port, controllerPort, logDir));
    Files.writeString(logbackXml, LOGBACK_XML);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(classPath, logbackXml, serverProperties, logFile);
    }

    Process process =
        new ProcessBuilder(
                java(
                    classPath,
                    logbackXml,
                    serverProperties,
                    "kafka.Kafka",
                    serverProperties.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()))
            .start();
    Thread hook = new Thread(() -> stop(process.toHandle()), "local-kafka-stop");
    LocalKafka kafka = new LocalKafka(process, port, pidFile, hook);
    try {
      Files.writeString(pidFile, Long.toString(process.pid()));
      Runtime.getRuntime().addShutdownHook(hook);
      kafka.awaitReady(logFile);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** {@code 127.0.0.1:PORT} */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the broker: SIGTERM (a clean shutdown), then SIGKILL after 15 s. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is exiting and the hook runs too: stopping twice is harmless.
    }
    stop(process.toHandle());
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // A stale pid file is checked against the process's command line before it is used.
    }
  }

  private void awaitReady(Path logFile) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // The port first: an admin client on a closed port logs a warning at every retry.
    while (!accepts(port)) {
      checkRunning(deadline, logFile);
      pause();
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(config)) {
      while (true) {
        checkRunning(deadline, logFile);
        try {
          // Only a registered, unfenced broker is listed.
          if (!admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(5000))
              .nodes()
              .get()
              .isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          // Not serving yet.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the Kafka broker", e);
        }
        pause();
      }
    }
  }

  private void checkRunning(long deadline, Path logFile) throws IOException {
    if (!process.isAlive()) {
      throw new IOException(
          "the Kafka broker exited with code " + process.exitValue() + "; " + tail(logFile));
    }
    if (System.nanoTime() > deadline) {
      throw new IOException(
          "the Kafka broker did not answer within "
              + START_TIMEOUT.toSeconds()
              + " s on "
              + bootstrapServers()
              + "; "
              + tail(logFile));
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the Kafka broker", e);
    }
  }

  private static String serverProperties(int port, int controllerPort, Path logDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // One broker: every internal topic has one replica; one partition each is enough locally.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Lean: two cores, and a heap that the cleaner's default 128 MB buffer would mostly fill.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    StringBuilder text = new StringBuilder("# Written by LocalKafka at each start.\n");
    p.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    return text.toString();
  }

  /** Writes the cluster id and the bootstrap metadata (kafka-storage.sh format). */
  private static void format(String classPath, Path logbackXml, Path serverProperties, Path logFile)
      throws IOException {
    List<String> command =
        java(
            classPath,
            logbackXml,
            serverProperties,
            "kafka.tools.StorageTool",
            "format",
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--config",
            serverProperties.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()))
            .start();
    try {
      if (!process.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("formatting the Kafka storage timed out; " + tail(logFile));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while formatting the Kafka storage", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "formatting the Kafka storage failed (exit "
              + process.exitValue()
              + "); "
              + tail(logFile));
    }
  }

  private static List<String> java(
      String classPath, Path logbackXml, Path serverProperties, String... mainAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            marker(serverProperties),
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dlogback.configurationFile=" + logbackXml,
            "-cp",
            classPath));
    command.addAll(List.of(mainAndArgs));
    return command;
  }

  /**
   * Names the folder at the start of the command line: the JDK reads at most 4 kB of a process's
   * command line (ProcessHandle.Info on Linux), and the class path alone is longer than that.
   */
  private static String marker(Path serverProperties) {
    return "-Dfitbit.local-kafka=" + serverProperties;
  }

  /** A broker that a killed parent left running on this folder (its command line names it). */
  private static void stopLeftover(Path pidFile, Path serverProperties) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException e) {
      Files.delete(pidFile);
      return;
    }
    ProcessHandle.of(pid)
        .filter(
            handle ->
                handle
                    .info()
                    .commandLine()
                    .map(line -> line.contains(" " + marker(serverProperties) + " "))
                    .orElse(false))
        .ifPresent(LocalKafka::stop);
    Files.delete(pidFile);
  }

  /**
   * Two brokers on one folder corrupt its metadata log (the second one's controller writes before
   * its broker finds the log folder locked): refuse while another process holds Kafka's lock.
   */
  private static void checkUnused(Path logDir) throws IOException {
    Path lock = logDir.resolve(".lock");
    if (!Files.exists(lock)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
        FileLock held = channel.tryLock()) {
      if (held == null) {
        throw new IOException(
            "another Kafka broker is using "
                + logDir
                + " (it holds its .lock) and it is not one that LocalKafka started there");
      }
    }
  }

  private static void stop(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return;
    } catch (TimeoutException | ExecutionException e) {
      // Forced below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handle.destroyForcibly();
    try {
      handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // SIGKILL was sent; nothing more to do.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "end of "
          + logFile
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "no broker log at " + logFile;
    }
  }

  /** The jars of the broker's part of this module's dependency tree, found on our class path. */
  static List<String> brokerClassPath() throws IOException {
    List<Path> entries = classPathEntries();
    List<String> jars = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String[] artifact : brokerArtifacts()) {
      Optional<Path> jar = find(entries, artifact, true).or(() -> find(entries, artifact, false));
      if (jar.isPresent()) {
        jars.add(jar.get().toString());
      } else {
        missing.add(String.join(":", artifact));
      }
    }
    if (!missing.isEmpty()) {
      throw new IOException(
          "the Kafka broker's jars are not all on the class path ("
              + System.getProperty("java.class.path")
              + "); missing: "
              + missing);
    }
    return jars;
  }

  /**
   * The artifacts reachable from {@link #BROKER_ROOTS} in the verbose dependency graph, each as
   * {groupId, artifactId, version}. In a verbose tree a jar that another dependency brought first
   * appears under the broker as "omitted", with its children listed under its first occurrence: the
   * graph is walked by groupId:artifactId, merging the children of every occurrence.
   */
  static List<String[]> brokerArtifacts() throws IOException {
    Map<String, String> keyOfNode = new HashMap<>();
    Map<String, String[]> artifactOfKey = new HashMap<>();
    Map<String, Set<String>> childrenOfKey = new HashMap<>();
    try (InputStream in = LocalKafka.class.getResourceAsStream("dependencies.tgf")) {
      if (in == null) {
        throw new IOException("dependencies.tgf is missing next to " + LocalKafka.class);
      }
      boolean edges = false;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.equals("#")) {
          edges = true;
        } else if (!line.isEmpty() && edges) {
          String[] edge = line.split(" ");
          String from = keyOfNode.get(edge[0]);
          String to = keyOfNode.get(edge[1]);
          if (from != null && to != null) {
            childrenOfKey.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
          }
        } else if (!line.isEmpty()) {
          // "id g:a:type[:classifier]:version:scope [(...)]", or "(...; omitted for ...)".
          String[] idAndLabel = line.split(" ", 2);
          boolean omitted = idAndLabel[1].startsWith("(");
          String[] c = idAndLabel[1].substring(omitted ? 1 : 0).split(" ", 2)[0].split(":");
          if (c.length < 4 || !c[2].equals("jar")) {
            continue;
          }
          String key = c[0] + ":" + c[1] + (c.length == 6 ? ":" + c[3] : "");
          keyOfNode.put(idAndLabel[0], key);
          if (!omitted && c.length >= 5) {
            artifactOfKey.putIfAbsent(
                key,
                c.length == 6
                    ? new String[] {c[0], c[1], c[4], c[3]}
                    : new String[] {c[0], c[1], c[3]});
          }
        }
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(BROKER_ROOTS);
    while (!todo.isEmpty()) {
      String key = todo.removeFirst();
      if (seen.add(key)) {
        todo.addAll(childrenOfKey.getOrDefault(key, Set.of()));
      }
    }
    List<String[]> artifacts = new ArrayList<>();
    for (String key : seen) {
      String[] artifact = artifactOfKey.get(key);
      if (artifact == null) {
        throw new IOException("dependencies.tgf does not resolve " + key);
      }
      artifacts.add(artifact);
    }
    return artifacts;
  }

  /**
   * Finds {groupId, artifactId, version[, classifier]} among the class path's jars: by its file
   * name (a local repository or a copy-dependencies folder), of that version or, when the caller
   * resolved another one, of any version. A local repository's folders must also match the group.
   */
  private static Optional<Path> find(List<Path> entries, String[] artifact, boolean exactVersion) {
    String artifactId = artifact[1];
    String suffix = (artifact.length == 4 ? "-" + artifact[3] : "") + ".jar";
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      boolean matches =
          exactVersion
              ? name.equals(artifactId + "-" + artifact[2] + suffix)
              : name.startsWith(artifactId + "-")
                  && name.endsWith(suffix)
                  && name.length() > artifactId.length() + 1
                  && Character.isDigit(name.charAt(artifactId.length() + 1));
      Path artifactDir = entry.getParent() == null ? null : entry.getParent().getParent();
      boolean repositoryLayout =
          artifactDir != null && artifactDir.getFileName().toString().equals(artifactId);
      if (matches
          && (!repositoryLayout
              || artifactDir
                  .toString()
                  .endsWith(
                      File.separator
                          + artifact[0].replace('.', File.separatorChar)
                          + File.separator
                          + artifactId))) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** java.class.path with the jars named by the manifest Class-Path of its jars, recursively. */
  private static List<Path> classPathEntries() {
    Set<Path> entries = new LinkedHashSet<>();
    Deque<Path> todo = new ArrayDeque<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        todo.add(Path.of(entry).toAbsolutePath().normalize());
      }
    }
    while (!todo.isEmpty()) {
      Path entry = todo.removeFirst();
      if (!entries.add(entry) || !Files.isRegularFile(entry)) {
        continue;
      }
      try (JarFile jar = new JarFile(entry.toFile())) {
        Manifest manifest = jar.getManifest();
        String classPath =
            manifest == null
                ? null
                : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (classPath == null) {
          continue;
        }
        URI base = entry.getParent().toUri();
        for (String reference : classPath.trim().split("\\s+")) {
          try {
            URI uri = base.resolve(reference);
            if ("file".equals(uri.getScheme())) {
              todo.add(Path.of(uri).normalize());
            }
          } catch (IllegalArgumentException e) {
            // Not a file reference: not one of ours.
          }
        }
      } catch (IOException e) {
        // Not a jar.
      }
    }
    return new ArrayList<>(entries);
  }
}
