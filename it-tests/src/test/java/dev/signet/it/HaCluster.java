package dev.signet.it;

import dev.signet.datastore.testing.PostgresTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two {@code signet-server} processes on one PostgreSQL database, as an operator runs them for high
 * availability: server A listens on 127.0.0.1 and server B on 127.0.0.2, both on one port, so that the one
 * name {@value #NAME} (a hosts file the agent's JVM reads through {@code -Djdk.net.hosts.file}, standing in
 * for a DNS name with two A records) reaches either. Each server has its own workspace, data dir, disk key
 * manager and self-signed CA; the shared bundle holds both CAs.
 */
final class HaCluster implements AutoCloseable {
  /** The name that resolves to both servers, in that order (A first). */
  static final String NAME = "signet-servers";

  final Workspace workspaceA;
  final Workspace workspaceB;
  final SignetServer serverA;
  final SignetServer serverB;
  private final PostgresTestServer.Database database;
  private final Path hostsFile;

  HaCluster(PostgresTestServer.Database database, String testName) {
    this.database = database;
    try {
      workspaceA = new Workspace("ha-" + testName + "-a");
      workspaceB = new Workspace("ha-" + testName + "-b");
      hostsFile = workspaceA.path("hosts");
      Files.writeString(hostsFile, "127.0.0.1 " + NAME + "\n127.0.0.2 " + NAME + "\n");
      int port = Workspace.freePort();
      serverA = new SignetServer(workspaceA).withListener("127.0.0.1", port).withPostgres(database.dsn());
      serverB = new SignetServer(workspaceB).withListener("127.0.0.2", port).withPostgres(database.dsn());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts A then B (the first applies the schema) and waits until the shared bundle holds both CAs. */
  HaCluster start() {
    serverA.start();
    serverB.start();
    for (SignetServer server : List.of(serverA, serverB)) {
      Poll.until("the bundle served by " + server.socket() + " holds both servers' CAs", java.time.Duration.ofSeconds(30),
          () -> countCertificates(server.admin("bundle", "show").requireOk().stdout()) == 2);
    }
    return this;
  }

  /** An agent in workspace A that dials {@code address} (an IP address or {@link #NAME}). */
  SignetAgent agent(String name, SignetServer bootstrap, String address) {
    return new SignetAgent(workspaceA, bootstrap, name).withServerAddress(address,
        Map.of("SIGNET_JAVA_OPTS", "-Djdk.net.hosts.file=" + hostsFile));
  }

  /** A JDBC connection to the shared database, to check what is stored without any server in between. */
  Connection database() throws SQLException {
    return database.connect();
  }

  List<Workspace> workspaces() {
    List<Workspace> all = new ArrayList<>();
    all.add(workspaceA);
    all.add(workspaceB);
    return all;
  }

  static int countCertificates(String pem) {
    return pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1;
  }

  /** The {@code q} quantile (0..1) of {@code values}, nearest rank. */
  static long quantile(List<Long> values, double q) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  @Override
  public void close() {
    workspaceA.close(); // the agents first: they live in A's workspace
    workspaceB.close();
  }
}
