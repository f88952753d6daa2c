package dev.signet.datastore.testing;

import dev.signet.datastore.sql.DatabaseType;
import dev.signet.datastore.sql.SqlConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real, throw-away PostgreSQL server for tests, started from Debian's binaries
 * ({@code /usr/lib/postgresql/<version>/bin/initdb} and {@code pg_ctl}) in a temporary directory on a free
 * loopback port. As root the binaries run as the {@code postgres} user through {@code runuser}, since
 * PostgreSQL refuses to run as root. Missing binaries are an error, never a reason to skip: a test
 * that silently does not run cannot fail.
 *
 * <p>The one way tests get one: {@code @RegisterExtension static final PostgresTestServer.PerClass POSTGRES =
 * PostgresTestServer.perClass();} starts a server before the class's tests and stops it after them, and
 * {@link PerClass#freshDatabase()} gives each test an empty {@link Database} with its JDBC URL, libpq connection
 * string and {@code DataStore "sql"} configuration.
 */
public final class PostgresTestServer implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path binDir;
  private final Path baseDir;
  private final Path dataDir;
  private final int port;
  private final boolean asRoot;
  private volatile boolean running;

  private PostgresTestServer(Path binDir, Path baseDir, int port, boolean asRoot) {
    this.binDir = binDir;
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.port = port;
    this.asRoot = asRoot;
  }

  /** Initializes a cluster and starts the server; throws when PostgreSQL is not installed. */
  public static PostgresTestServer start() throws IOException, InterruptedException {
    Path binDir = findBinDir();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path baseDir = Files.createTempDirectory("signet-pg-");
    if (asRoot) {
      chownToPostgres(baseDir);
    }
    PostgresTestServer server = new PostgresTestServer(binDir, baseDir, freePort(), asRoot);
    try {
      server.initAndStart();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    // safety net for a test JVM that exits without @AfterAll: never leave a postgres running
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        System.err.println("could not stop test postgres: " + e.getMessage());
      }
    }, "stop-test-postgres"));
    return server;
  }

  /** The newest {@code /usr/lib/postgresql/*}{@code /bin} holding initdb and pg_ctl. */
  public static Path findBinDir() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    List<Path> candidates = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        versions.map(v -> v.resolve("bin"))
            .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
            .forEach(candidates::add);
      }
    }
    candidates.sort(Comparator.comparingInt(PostgresTestServer::version));
    if (candidates.isEmpty()) {
      throw new IllegalStateException("PostgreSQL binaries not found: no /usr/lib/postgresql/*/bin/initdb and pg_ctl; "
          + "install the Debian package \"postgresql\" to run the PostgreSQL datastore tests");
    }
    return candidates.getLast();
  }

  public int port() {
    return port;
  }

  /** The superuser, who needs no password (trust authentication on loopback). */
  public String user() {
    return "postgres";
  }

  /** A fresh, empty database on this server. */
  public Database createDatabase() throws SQLException {
    Database database = new Database(this, "signet_test_" + DATABASES.incrementAndGet());
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database.name());
    }
    return database;
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /**
   * One database of a test server, and the ways to reach it.
   *
   * @param name its name, unique per test JVM
   */
  public record Database(PostgresTestServer server, String name) {
    /** Its JDBC URL. */
    public String jdbcUrl() {
      return server.jdbcUrl(name);
    }

    /** SPIRE's libpq key/value connection string, as an operator writes it in {@code server.conf}. */
    public String dsn() {
      return "host=127.0.0.1 port=" + server.port + " dbname=" + name + " user=" + server.user() + " sslmode=disable";
    }

    /** A {@code DataStore "sql"} configuration for it (through {@link #dsn()}, so that parsing is exercised too). */
    public SqlConfig sqlConfig(int maxOpenConns) {
      return new SqlConfig(DatabaseType.POSTGRES, dsn(), maxOpenConns, 1, Duration.ZERO, false);
    }

    /** A superuser connection, to look at or change what is stored with no datastore in between. */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl(), server.user(), "");
    }
  }

  /** A server for the tests of one class: see {@link PerClass}. */
  public static PerClass perClass() {
    return new PerClass();
  }

  /**
   * A JUnit extension, registered as a static field with {@code @RegisterExtension}, that starts a
   * PostgreSQL server before the tests of its class and stops it after them.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private volatile PostgresTestServer server;

    private PerClass() {}

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      server = start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    /** The running server (to suspend and resume it). */
    public PostgresTestServer server() {
      if (server == null) {
        throw new IllegalStateException("the test postgres runs only between beforeAll and afterAll");
      }
      return server;
    }

    /** A fresh, empty database on the running server. */
    public Database freshDatabase() throws SQLException {
      return server().createDatabase();
    }
  }

  /**
   * Stops the server (an outage: {@code pg_ctl stop -m immediate}, no shutdown checkpoint) and keeps its data;
   * {@link #resume()} starts it again on the same port.
   */
  public synchronized void suspend() throws IOException, InterruptedException {
    if (running) {
      running = false;
      run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    }
  }

  /** Starts a {@link #suspend() suspended} server again on the same port and data. */
  public synchronized void resume() throws IOException, InterruptedException {
    if (!running) {
      startServer();
    }
  }

  /** Stops the server (fast shutdown) and deletes its directory. */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (running) {
        running = false;
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping postgres in " + baseDir, e);
    } finally {
      deleteRecursively(baseDir);
    }
  }

  private void initAndStart() throws IOException, InterruptedException {
    run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres", "-A", "trust",
        "-E", "UTF8", "--no-sync"));
    startServer();
  }

  private void startServer() throws IOException, InterruptedException {
    String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + baseDir
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
    run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
        baseDir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o", options, "start"));
    running = true;
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("signet-pg-cmd-", ".log");
    try {
      Process process = new ProcessBuilder(full).directory(baseDir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", full) + "\n" + Files.readString(output));
      }
      if (process.exitValue() != 0) {
        throw new IOException("failed with exit code " + process.exitValue() + ": " + String.join(" ", full) + "\n"
            + Files.readString(output, StandardCharsets.UTF_8) + serverLog());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String serverLog() throws IOException {
    Path log = baseDir.resolve("postgres.log");
    return Files.exists(log) ? "\n--- postgres.log ---\n" + Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString().split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void chownToPostgres(Path dir) throws IOException {
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(dir, lookup.lookupPrincipalByName("postgres"));
    GroupPrincipal group = lookup.lookupPrincipalByGroupName("postgres");
    Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
