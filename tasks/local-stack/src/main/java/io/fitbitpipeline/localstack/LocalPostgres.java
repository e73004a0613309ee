package io.fitbitpipeline.localstack;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on loopback, standing in for Redshift locally and in tests.
 *
 * <p>It uses the PostgreSQL server binaries of the machine (Debian's postgresql package; {@code
 * PG_BIN_DIR} overrides where they are). PostgreSQL refuses to run as root, and CI runs as root, so
 * as root every server command runs as the {@code postgres} user through runuser.
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String USER = "fitbit";
  public static final String DATABASE = "postgres";

  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private final boolean asPostgresUser;

  private LocalPostgres(Path binDir, Path dataDir, int port, boolean asPostgresUser) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Starts a server on {@code dataDir}, creating the cluster first when the folder is empty. */
  public static LocalPostgres start(Path dataDir) throws IOException {
    Path binDir = findBinDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.createDirectories(dataDir);
    LocalPostgres pg = new LocalPostgres(binDir, dataDir.toAbsolutePath(), freePort(), root);
    pg.startServer();
    return pg;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String user() {
    return USER;
  }

  private void startServer() throws IOException {
    if (asPostgresUser) {
      run(List.of("chown", "-R", "postgres:postgres", dataDir.toString()), false);
      allowTraversal(dataDir.getParent());
    }
    if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
      run(
          List.of(
              binDir.resolve("initdb").toString(),
              "-D",
              dataDir.toString(),
              "-U",
              USER,
              "--auth=trust",
              "--encoding=UTF8",
              "--no-locale"),
          asPostgresUser);
    }
    // A launcher that was killed may have left its server running on this folder: stop it.
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      runQuietly(pgCtl("stop", "-m", "immediate"));
    }
    // fsync off: this server holds only local, re-creatable data and must start and load fast.
    // Minimal WAL, recycled at 64 MB: with the default 1 GB the write-ahead log of a few test loads
    // grew each data folder past 1 GB, and the test suite's folders together filled the disk.
    String options =
        "-p "
            + port
            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
            + dataDir
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            + " -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB"
            + " -c min_wal_size=32MB -c max_connections=100"
            // Promote's data-yield and ledger checks sort a week of rows: with the default 4 MB
            // they spill to disk (data_yield's heart-rate query 1.03 s -> 0.68 s at 64 MB).
            + " -c work_mem=64MB"
            // Promote rebuilds a production key after a large insert (KeyedInsert): the sort of a
            // week of heart-rate keys fits in 256 MB (1.7 s -> 1.3 s for 2.19 M rows).
            + " -c maintenance_work_mem=256MB";
    run(
        pgCtl(
            "start",
            "-w",
            "-t",
            "60",
            "-l",
            dataDir.resolve("server.log").toString(),
            "-o",
            options),
        asPostgresUser);
  }

  /**
   * The postgres user must reach the data folder through its parents; private temporary folders get
   * the search bit for others (traverse only: their listing stays private).
   */
  private static void allowTraversal(Path dir) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
          Files.getPosixFilePermissions(p);
      if (perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(p, perms);
      }
    }
  }

  private List<String> pgCtl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binDir.resolve("pg_ctl").toString());
    command.add("-D");
    command.add(dataDir.toString());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Stops the server (ending every connection, as a failover or a maintenance restart does) and
   * starts it again on the same port and data.
   */
  public void restart() throws IOException {
    // With its log file, as at the start: a server writing to pg_ctl's stdout would hold this
    // process's pipe open for ever.
    run(
        pgCtl(
            "restart",
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "-l",
            dataDir.resolve("server.log").toString()),
        asPostgresUser);
  }

  @Override
  public void close() {
    runQuietly(pgCtl("stop", "-m", "fast", "-w"));
  }

  private void runQuietly(List<String> command) {
    try {
      run(command, asPostgresUser);
    } catch (IOException e) {
      // Stopping a server that is already gone is not an error.
    }
  }

  private static void run(List<String> command, boolean asPostgresUser) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("command failed: " + String.join(" ", full) + "\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", full), e);
    }
  }

  static Path findBinDir() throws IOException {
    String configured = System.getenv("PG_BIN_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path root = Path.of("/usr/lib/postgresql");
    Optional<Path> newest = Optional.empty();
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                .max(Comparator.comparing(bin -> versionOf(bin.getParent())));
      }
    }
    return newest.orElseThrow(
        () ->
            new IOException(
                "no PostgreSQL server binaries found under /usr/lib/postgresql; install Debian's"
                    + " postgresql package (.ci/run does) or set PG_BIN_DIR"));
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
