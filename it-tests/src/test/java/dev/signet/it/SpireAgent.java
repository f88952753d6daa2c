package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code spire-agent} v1.13.3 ({@link SpirePeers}) attested with a join token to a server (Signet's or
 * SPIRE's), with its own data dir and Workload API socket in the workspace, a memory key manager and the unix
 * workload attestor.
 */
public final class SpireAgent {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);

  private final Workspace workspace;
  private final AdminServer server;
  private final String name;
  private final String binary = SpirePeers.bin("spire-agent");
  private final Path socket;
  private RunningProcess process;
  private String joinToken;

  public SpireAgent(Workspace workspace, AdminServer server, String name) {
    this.workspace = workspace;
    this.server = server;
    this.name = name;
    this.socket = workspace.path(name + ".sock");
  }

  public Path socket() {
    return socket;
  }

  public RunningProcess process() {
    return process;
  }

  /** The agent's SPIFFE ID as the join_token attestor names it (after {@link #attestAndStart}). */
  public String spiffeId() {
    return server.spiffeId("/spire/agent/join_token/" + joinToken);
  }

  /**
   * Generates a join token for {@code nodeAlias} on the server and starts the agent with it (it attests and
   * syncs in the background; callers await what they need, e.g. {@link #fetchX509()} output).
   */
  public SpireAgent attestAndStart(String nodeAlias) {
    joinToken = server.generateToken(nodeAlias);
    return start("""
        NodeAttestor "join_token" {
            plugin_data {}
        }""", List.of("-joinToken", joinToken));
  }

  /** Starts the agent attesting with this {@code NodeAttestor} block (HCL), e.g. {@code x509pop}. */
  public SpireAgent attestWith(String nodeAttestorHcl) {
    return start(nodeAttestorHcl, List.of());
  }

  private SpireAgent start(String nodeAttestorHcl, List<String> extraArgs) {
    Path config = workspace.path(name + ".conf");
    try {
      Files.writeString(config, """
          agent {
              data_dir = "%s"
              log_level = "DEBUG"
              server_address = "127.0.0.1"
              server_port = "%d"
              socket_path = "%s"
              trust_bundle_path = "%s"
              trust_domain = "%s"
          }
          plugins {
          %s
              KeyManager "memory" {
                  plugin_data {}
              }
              WorkloadAttestor "unix" {
                  plugin_data {}
              }
          }
          """.formatted(workspace.path(name + "-data"), server.port(), socket, server.writeBootstrapBundle(),
          server.trustDomain(), nodeAttestorHcl));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new java.util.ArrayList<>(List.of(binary, "run", "-config", config.toString()));
    command.addAll(extraArgs);
    process = workspace.start(name, command);
    return this;
  }

  /** The socket address as SPIFFE clients take it ({@code unix:/path}). */
  public String address() {
    return "unix:" + socket;
  }

  /** Runs {@code spire-agent <command...> -socketPath S <args...>} against this agent's socket. */
  public CommandResult cli(String... commandAndArgs) {
    return Distribution.run(CLI_TIMEOUT, Distribution.cliCommand(List.of(binary), socket, commandAndArgs));
  }

  /** {@code spire-agent api fetch x509} on the agent's socket: its output, or "" while it fails. */
  public String fetchX509() {
    CommandResult result = Distribution.run(CLI_TIMEOUT, List.of(binary, "api", "fetch", "x509", "-socketPath",
        socket.toString()));
    return result.ok() ? result.stdout() : "";
  }

  /** Waits until the agent has attested and serves the workload an SVID with {@code spiffeId}. */
  public void awaitServing(String spiffeId, Duration timeout) {
    Poll.until("spire-agent serving " + spiffeId, timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("spire-agent exited:\n" + process.tail(40));
      }
      return fetchX509().contains(spiffeId);
    });
  }
}
