package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One system's server and agent in a fresh work directory, both run from the same SPIRE-style configuration
 * files: SQLite datastore, disk key managers, the join_token node attestor, the unix workload attestor, log level
 * WARN, and the servers' rate limits off (SPIRE caps signing at 500 CSRs per second per IP, which would measure
 * the limit, not the server).
 */
final class Deployment implements AutoCloseable {
  private final Peer peer;
  private final Path work;
  private final int port = freePort();
  private Daemon server;
  private AdminApi admin;
  private Daemon agent;
  private int agentStarts;

  Deployment(Peer peer, Path work) {
    this.peer = peer;
    this.work = work;
  }

  Peer peer() {
    return peer;
  }

  int port() {
    return port;
  }

  Path adminSocket() {
    return work.resolve("admin.sock");
  }

  Path agentSocket() {
    return work.resolve("agent.sock");
  }

  Path agentDataDir() {
    return work.resolve("agent-data");
  }

  Daemon server() {
    return server;
  }

  Daemon agent() {
    return agent;
  }

  AdminApi admin() {
    return admin;
  }

  /** Starts the server on a fresh data dir; returns the milliseconds from the fork to its first SERVING health check. */
  long startServer() {
    Path config = write("server.conf", """
        server {
            bind_address = "127.0.0.1"
            bind_port = "%d"
            socket_path = "%s"
            trust_domain = "%s"
            data_dir = "%s"
            log_level = "WARN"
            ca_ttl = "168h"
            default_x509_svid_ttl = "1h"
            ratelimit {
                attestation = false
                signing = false
            }
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
        }
        """.formatted(port, adminSocket(), AdminApi.TRUST_DOMAIN, work.resolve("server-data"),
        work.resolve("server-data/datastore.sqlite3"), work.resolve("server-data/keys.json")));
    server = Daemon.start(peer.name() + " server", List.of(peer.server().toString(), "run", "-config", config.toString()),
        work.resolve("server.log"));
    admin = new AdminApi(adminSocket());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(adminSocket()) && admin.serving())) {
      server.requireAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(peer.name() + " server not healthy within 120 s:\n" + server.tail());
      }
      LockSupport.parkNanos(10_000_000);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - server.startedNanos());
  }

  /**
   * Starts the agent: with a join token on a fresh data dir, or with none to resume the identity it stored there.
   * Returns at once; callers wait for what they measure.
   */
  Daemon startAgent(String joinToken) {
    Path bundle = write("bootstrap.crt", admin.bundlePem());
    Path config = write("agent.conf", """
        agent {
            data_dir = "%1$s"
            log_level = "WARN"
            server_address = "127.0.0.1"
            server_port = "%2$d"
            socket_path = "%3$s"
            trust_bundle_path = "%4$s"
            trust_domain = "%5$s"
        }
        plugins {
            NodeAttestor "join_token" {
                plugin_data {}
            }
            KeyManager "disk" {
                plugin_data {
                    directory = "%1$s"
                }
            }
            WorkloadAttestor "unix" {
                plugin_data {}
            }
        }
        """.formatted(agentDataDir(), port, agentSocket(), bundle, AdminApi.TRUST_DOMAIN));
    List<String> command = new ArrayList<>(List.of(peer.agent().toString(), "run", "-config", config.toString()));
    if (joinToken != null) {
      command.addAll(List.of("-joinToken", joinToken));
    }
    try {
      Files.deleteIfExists(agentSocket());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    agentStarts++;
    agent = Daemon.start(peer.name() + " agent", command, work.resolve("agent-" + agentStarts + ".log"));
    return agent;
  }

  void stopAgent() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }

  /** {@code <server> <args...> -socketPath <admin socket>}: the wall time of one CLI call in milliseconds. */
  double cliMillis(String... args) {
    List<String> command = new ArrayList<>(List.of(peer.server().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-socketPath", adminSocket().toString()));
    try {
      long start = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(peer.name() + " CLI failed: " + command);
      }
      return (System.nanoTime() - start) / 1e6;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stopAgent();
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Path write(String name, String content) {
    try {
      Files.createDirectories(work);
      return Files.writeString(work.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
