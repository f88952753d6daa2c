package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code signet-agent} process attested to a {@link SignetServer} (or a real {@code spire-server}, see
 * {@link SpireServer}) with a join token, serving the Workload
 * API on a short socket path in the workspace and keeping its SVID in its own data dir.
 */
public final class SignetAgent {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  private final Workspace workspace;
  private final AdminServer server;
  private final String name;
  private final Path dataDir;
  private final Path socket;
  private final Path config;
  private RunningProcess process;
  private int starts;
  private String joinToken;
  private String extraPlugins = "";
  private String extraBlocks = "";
  private String serverAddress = "127.0.0.1";
  private Map<String, String> environment = Map.of();
  private String nodeAttestor = "NodeAttestor \"join_token\" {\n    plugin_data {}\n}";
  private int healthPort = -1;
  private int metricsPort = -1;

  public SignetAgent(Workspace workspace, AdminServer server, String name) {
    this.workspace = workspace;
    this.server = server;
    this.name = name;
    this.dataDir = workspace.path(name + "-data");
    this.socket = workspace.path(name + ".sock");
    this.config = workspace.path(name + ".conf");
  }

  public Path socket() {
    return socket;
  }

  /**
   * Attests with this {@code NodeAttestor} block (HCL) instead of a join token, starts the agent and waits
   * until it serves the Workload API.
   */
  public SignetAgent attestWith(String nodeAttestorHcl) {
    this.nodeAttestor = nodeAttestorHcl;
    return launch(List.of("-trustBundle", server.writeBootstrapBundle().toString()));
  }

  /**
   * Starts the agent with this {@code NodeAttestor} block (HCL) without waiting for it to serve, for
   * attestations that are to be refused; returns the process.
   */
  public RunningProcess startAttestingWith(String nodeAttestorHcl) {
    this.nodeAttestor = nodeAttestorHcl;
    writeConfig();
    starts++;
    process = workspace.start(name + "-" + starts,
        command(List.of("-trustBundle", server.writeBootstrapBundle().toString())), environment);
    return process;
  }

  /**
   * Dials the server as {@code address} (an IP address or a DNS name) with these variables added to the
   * agent's environment (e.g. {@code SIGNET_JAVA_OPTS} with {@code -Djdk.net.hosts.file} for a name with
   * several addresses).
   */
  public SignetAgent withServerAddress(String address, Map<String, String> variables) {
    this.serverAddress = address;
    this.environment = Map.copyOf(variables);
    return this;
  }

  /** Starts the agent with these variables added to its environment (e.g. libfaketime's). */
  public SignetAgent withEnvironment(Map<String, String> variables) {
    this.environment = Map.copyOf(variables);
    return this;
  }

  /** Adds top-level blocks (HCL, e.g. {@code telemetry { ... }}) to the agent's config. */
  public SignetAgent withBlocks(String hcl) {
    this.extraBlocks = hcl;
    return this;
  }

  /**
   * Adds the {@code health_checks} listener ({@code /live}, {@code /ready}) and a Prometheus telemetry listener
   * on free loopback ports, for {@link #health} and {@link #metrics}; replaces blocks given to {@link #withBlocks}.
   */
  public SignetAgent withHealthAndMetrics() {
    healthPort = Workspace.freePort();
    metricsPort = Workspace.freePort();
    return withBlocks("""
        health_checks {
            listener_enabled = true
            bind_address = "127.0.0.1"
            bind_port = "%d"
            live_path = "/live"
            ready_path = "/ready"
        }
        """.formatted(healthPort) + Prometheus.telemetryBlock(metricsPort));
  }

  /** The answer of the {@code health_checks} listener on {@code path} ({@code /live}, {@code /ready}). */
  public HealthAnswer health(String path) {
    if (healthPort < 0) {
      throw new IllegalStateException("the agent was not configured withHealthAndMetrics()");
    }
    try {
      java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + healthPort + path))
              .timeout(Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return new HealthAnswer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the agent's health listener on " + healthPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** An HTTP status and body of the health listener. */
  public record HealthAnswer(int status, String body) {}

  /** One scrape of the agent's Prometheus listener. */
  public String metrics() {
    if (metricsPort < 0) {
      throw new IllegalStateException("the agent was not configured withHealthAndMetrics()");
    }
    return Prometheus.scrape(metricsPort);
  }

  /** Adds plugin blocks (HCL, e.g. another {@code WorkloadAttestor}) to the agent's config. */
  public SignetAgent withPlugins(String hcl) {
    this.extraPlugins = hcl;
    return this;
  }

  /** The socket address as SPIFFE clients take it ({@code unix:/path}). */
  public String address() {
    return "unix:" + socket;
  }

  /** The agent's {@code data_dir}. */
  public Path dataDir() {
    return dataDir;
  }

  public RunningProcess process() {
    return process;
  }

  /** The agent's SPIFFE ID as the join_token attestor names it. */
  public String spiffeId() {
    return server.spiffeId("/spire/agent/join_token/" + joinToken);
  }

  /**
   * Generates a join token for {@code nodeAlias}, starts the agent with it and waits until it serves the
   * Workload API.
   */
  public SignetAgent attestAndStart(String nodeAlias) {
    joinToken = server.generateToken(nodeAlias);
    Path bundle = server.writeBootstrapBundle();
    return launch(List.of("-trustBundle", bundle.toString(), "-joinToken", joinToken));
  }

  /** Starts the agent with a join token generated elsewhere and waits until it serves the Workload API. */
  public SignetAgent attestWithToken(String token) {
    joinToken = token;
    return launch(List.of("-trustBundle", server.writeBootstrapBundle().toString(), "-joinToken", token));
  }

  /** Starts the agent again on its data dir, without a join token: it must resume its stored identity. */
  public SignetAgent restartWithoutToken() {
    return launch(List.of("-trustBundle", server.bootstrapBundleFile().toString()));
  }

  private SignetAgent launch(List<String> extra) {
    writeConfig();
    starts++;
    process = workspace.start(name + "-" + starts, command(extra), environment);
    awaitServing();
    return this;
  }

  private List<String> command(List<String> extra) {
    List<String> command = new ArrayList<>(List.of(Distribution.get().agentBin(), "run", "-config", config.toString(),
        "-dataDir", dataDir.toString(), "-serverPort", Integer.toString(server.port()),
        "-socketPath", socket.toString()));
    command.addAll(extra);
    return command;
  }

  /** Polls the agent's health check until the Workload API serves. */
  public void awaitServing() {
    Poll.until("signet-agent serving on " + socket, Duration.ofSeconds(90), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("signet-agent exited with " + process.awaitExit(Duration.ZERO) + ":\n"
            + process.tail(40));
      }
      return Files.exists(socket) && SignetServer.serving(socket);
    });
  }

  public Integer stop() {
    return process.stop();
  }

  private void writeConfig() {
    String conf = """
        agent {
            data_dir = "%s"
            log_level = "DEBUG"
            server_address = "%s"
            server_port = "%d"
            socket_path = "%s"
            trust_domain = "%s"
        }
        plugins {
        %s
            KeyManager "disk" {
                plugin_data {
                    directory = "%s"
                }
            }
            WorkloadAttestor "unix" {
                plugin_data {}
            }
        %s
        }
        %s
        """.formatted(dataDir, serverAddress, server.port(), socket, server.trustDomain(), nodeAttestor, dataDir, extraPlugins,
            extraBlocks);
    try {
      Files.writeString(config, conf); // the data dir is the daemon's to create (0700)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code signet-agent <command...> -socketPath S <args...>}, as {@code user} through runuser when
   * given.
   */
  public CommandResult cli(String user, String... commandAndArgs) {
    List<String> command = new ArrayList<>();
    if (user != null) {
      command.addAll(List.of(Distribution.requireTool("runuser"), "-u", user, "--"));
    }
    command.add(Distribution.get().agentBin());
    command = Distribution.cliCommand(command, socket, commandAndArgs);
    return Distribution.run(CLI_TIMEOUT, command);
  }

  /** {@code api fetch x509} as the test's user (null) or another one. */
  public CommandResult fetchX509(String user) {
    return cli(user, "api", "fetch", "x509");
  }
}
