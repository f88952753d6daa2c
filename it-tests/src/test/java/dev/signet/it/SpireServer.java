package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real {@code spire-server} v1.13.3 ({@link SpirePeers}) on an ephemeral loopback port with its own admin
 * socket, SQLite datastore and disk key manager in the workspace (so a restart keeps its CA), serving trust
 * domain {@link SignetServer#TRUST_DOMAIN} (or another, for federation) with the {@code join_token} node
 * attestor, driven through its own CLI.
 */
public final class SpireServer extends AdminServer {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);

  private final String binary = SpirePeers.bin("spire-server"); // fails loudly before anything starts
  private final int port = Workspace.freePort();
  private final Path dataDir;
  private final Path socket;
  private final Path config;
  private RunningProcess process;
  private int starts;
  private String trustDomain = SignetServer.TRUST_DOMAIN;
  private String serverBlocks = "";
  private Map<String, String> environment = Map.of();
  private String extraPlugins = "";

  public SpireServer(Workspace workspace) {
    super(workspace, "spire-bootstrap.crt");
    this.dataDir = workspace.path("spire-server");
    this.socket = workspace.path("spire/api.sock");
    this.config = workspace.path("spire-server.conf");
  }

  /** Serves another trust domain than {@link SignetServer#TRUST_DOMAIN} (for federation with Signet). */
  public SpireServer withTrustDomain(String name) {
    this.trustDomain = name;
    return this;
  }

  /** Adds blocks inside {@code server { }} (HCL, e.g. {@code federation { ... }}). */
  public SpireServer withServerBlocks(String hcl) {
    this.serverBlocks = hcl;
    return this;
  }

  /** Starts the server with these variables added to its environment (e.g. {@code SSL_CERT_FILE}). */
  public SpireServer withEnvironment(Map<String, String> variables) {
    this.environment = Map.copyOf(variables);
    return this;
  }

  @Override
  public String trustDomain() {
    return trustDomain;
  }

  /** Adds plugin blocks (HCL, e.g. an {@code UpstreamAuthority}) to the server's config. */
  public SpireServer withPlugins(String hcl) {
    this.extraPlugins = hcl;
    return this;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Path socket() {
    return socket;
  }

  public RunningProcess process() {
    return process;
  }

  /** Starts the server (same port, data dir and keys on every start) and waits until it is healthy. */
  public SpireServer start() {
    writeConfig();
    starts++;
    process = workspace.start("spire-server-" + starts, List.of(binary, "run", "-config", config.toString()),
        environment);
    Poll.until("spire-server healthy on " + socket, Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("spire-server exited with " + process.awaitExit(Duration.ZERO) + ":\n"
            + process.tail(40));
      }
      return Files.exists(socket) && admin("healthcheck").ok();
    });
    return this;
  }

  /** SIGTERM; returns the exit code. */
  public Integer stop() {
    return process.stop();
  }

  @Override
  public CommandResult admin(String... commandAndArgs) {
    return cli(socket, commandAndArgs);
  }

  /** Runs SPIRE's {@code spire-server} CLI against any server's admin socket (Signet's too). */
  public static CommandResult cli(Path adminSocket, String... commandAndArgs) {
    return Distribution.run(CLI_TIMEOUT,
        Distribution.cliCommand(List.of(SpirePeers.bin("spire-server")), adminSocket, commandAndArgs));
  }

  private void writeConfig() {
    String conf = """
        server {
            bind_address = "127.0.0.1"
            bind_port = "%d"
            socket_path = "%s"
            trust_domain = "%s"
            data_dir = "%s"
            log_level = "DEBUG"
            ca_ttl = "168h"
            default_x509_svid_ttl = "1h"
            default_jwt_svid_ttl = "5m"
        %s
        }
        plugins {
            DataStore "sql" {
                plugin_data {
                    database_type = "sqlite3"
                    connection_string = "%s"
                }
            }
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
        """.formatted(port, socket, trustDomain, dataDir, serverBlocks, dataDir.resolve("datastore.sqlite3"),
        dataDir.resolve("keys.json"), extraPlugins);
    try {
      Files.createDirectories(socket.getParent());
      Files.writeString(config, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
