package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@code signet-server} process on an ephemeral port with its own admin socket, SQLite datastore and disk key
 * manager in the workspace, driven through the real {@code signet-server} CLI.
 */
public final class SignetServer extends AdminServer {
  public static final String TRUST_DOMAIN = "example.org";
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  private int port = Workspace.freePort();
  private String bindAddress = "127.0.0.1";
  private String dataStore;
  private final Path dataDir;
  private final Path socket;
  private final Path config;
  private final String x509SvidTtl;
  private RunningProcess process;
  private int starts;
  private String extraPlugins = "";
  private String extraBlocks = "";
  private String trustDomain = TRUST_DOMAIN;
  private String serverBlocks = "";
  private Map<String, String> environment = Map.of();

  public SignetServer(Workspace workspace, String x509SvidTtl) {
    super(workspace, "bootstrap.crt");
    this.x509SvidTtl = x509SvidTtl;
    this.dataDir = workspace.path("server");
    // the admin socket in its own directory, as an operator would lay it out (and apart from the agent's)
    this.socket = workspace.path("srv/s.sock");
    try {
      Files.createDirectories(socket.getParent());
      Files.setPosixFilePermissions(socket.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.config = workspace.path("server.conf");
  }

  public SignetServer(Workspace workspace) {
    this(workspace, "1h");
  }

  @Override
  public int port() {
    return port;
  }

  /** Adds plugin blocks (HCL, e.g. another {@code NodeAttestor}) to the server's config. */
  public SignetServer withPlugins(String hcl) {
    this.extraPlugins = hcl;
    return this;
  }

  /**
   * Listens on {@code address:port} (servers of one HA group on 127.0.0.1 and 127.0.0.2 with one port, so that
   * one DNS name with both addresses reaches either).
   */
  public SignetServer withListener(String address, int port) {
    this.bindAddress = address;
    this.port = port;
    return this;
  }

  /** Uses PostgreSQL through this libpq connection string instead of the server's own SQLite file. */
  public SignetServer withPostgres(String connectionString) {
    this.dataStore = """
            DataStore "sql" {
                plugin_data {
                    database_type = "postgres"
                    connection_string = "%s"
                }
            }
        """.formatted(connectionString);
    return this;
  }

  /** Serves another trust domain than {@link #TRUST_DOMAIN} (for federation between two servers). */
  public SignetServer withTrustDomain(String name) {
    this.trustDomain = name;
    return this;
  }

  /** Starts the server with these variables added to its environment (e.g. {@code SSL_CERT_FILE}). */
  public SignetServer withEnvironment(Map<String, String> variables) {
    this.environment = Map.copyOf(variables);
    return this;
  }

  @Override
  public String trustDomain() {
    return trustDomain;
  }

  /** Adds blocks inside {@code server { }} (HCL, e.g. {@code federation { ... }}). */
  public SignetServer withServerBlocks(String hcl) {
    this.serverBlocks = hcl;
    return this;
  }

  /** Adds top-level blocks (HCL, e.g. {@code access_api { ... }}) to the server's config. */
  public SignetServer withBlocks(String hcl) {
    this.extraBlocks = hcl;
    return this;
  }

  @Override
  public Path socket() {
    return socket;
  }

  /** The server's {@code data_dir}. */
  public Path dataDir() {
    return dataDir;
  }

  /** The configuration file {@link #start()} writes and runs with. */
  public Path configFile() {
    writeConfig();
    return config;
  }

  public RunningProcess process() {
    return process;
  }

  /** Starts the server (same port, data dir and keys on every start) and waits until it is healthy. */
  public SignetServer start() {
    writeConfig();
    starts++;
    process = workspace.start("server-" + starts,
        List.of(Distribution.get().serverBin(), "run", "-config", config.toString()), environment);
    Poll.until("signet-server healthy on " + socket, Duration.ofSeconds(90), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("signet-server exited with " + process.awaitExit(Duration.ZERO) + ":\n"
            + process.tail(40));
      }
      return Files.exists(socket) && serving(socket);
    });
    return this;
  }

  /** One gRPC health check over a Unix socket (no CLI JVM start per poll). */
  static boolean serving(Path socket) {
    try (UdsGrpc grpc = new UdsGrpc(socket)) {
      return grpc.serving();
    }
  }

  /** {@code BatchCreateEntry} straight over the admin socket (for timing without the CLI's JVM start). */
  public String createEntryOverGrpc(String parentId, String spiffeId, String selector) {
    try (UdsGrpc grpc = new UdsGrpc(socket)) {
      return grpc.createEntry(parentId, spiffeId, selector);
    }
  }

  /** SIGTERM; returns the exit code. */
  public Integer stop() {
    return process.stop();
  }

  private void writeConfig() {
    String conf = """
        server {
            bind_address = "%s"
            bind_port = "%d"
            socket_path = "%s"
            trust_domain = "%s"
            data_dir = "%s"
            log_level = "INFO"
            ca_ttl = "168h"
            default_x509_svid_ttl = "%s"
            default_jwt_svid_ttl = "5m"
        %s
        }
        plugins {
        %s
            NodeAttestor "join_token" {
                plugin_data {}
            }
            KeyManager "disk" {
                plugin_data {
                    keys_path = "%s"
                }
            }
        %s
        }
        %s
        """.formatted(bindAddress, port, socket, trustDomain, dataDir, x509SvidTtl, serverBlocks, dataStore != null ? dataStore
            : """
                DataStore "sql" {
                    plugin_data {
                        database_type = "sqlite3"
                        connection_string = "%s"
                    }
                }
            """.formatted(dataDir.resolve("datastore.sqlite3")),
        dataDir.resolve("keys.json"), extraPlugins, extraBlocks);
    try {
      Files.writeString(config, conf); // the data dir is the daemon's to create (0700)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code signet-server <command...> -socketPath S <args...>}. */
  @Override
  public CommandResult admin(String... commandAndArgs) {
    List<String> command = Distribution.cliCommand(List.of(Distribution.get().serverBin()), socket, commandAndArgs);
    return Distribution.run(CLI_TIMEOUT, command);
  }

  public static String id(String path) {
    return "spiffe://" + TRUST_DOMAIN + path;
  }
}
