package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.datastore.testing.PostgresTestServer;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code signet-agent helper} the way a user runs it: a real signet-server and signet-agent (20 s X509-SVIDs), a
 * real PostgreSQL started by a helper running as the {@code postgres} user ({@code cmd} = postgres,
 * {@code renew_signal = "SIGHUP"}) whose {@code ssl_cert_file}/{@code ssl_key_file} are its X509-SVID and
 * {@code ssl_ca_file} the bundle, with {@code hostssl ... cert clientcert=verify-full} in pg_hba.conf. A client
 * workload ({@code nobody}) gets its own SVID files from a second helper; its entry has the DNS name
 * {@code pgclient}, which becomes the certificate's CN, which {@code cert} authentication matches against the
 * database user. The SVIDs rotate several times while one psql session stays open; new connections keep
 * working with the rotated files; a self-signed client certificate is refused. A second case: a one-shot helper
 * writes a JWT-SVID and the JWT bundle and runs a Python script (PyJWT) that verifies one against the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class HelperPostgresEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/helper");
  private static final String POSTGRES_ID = SignetServer.id("/workload/postgres");
  private static final String CLIENT_ID = SignetServer.id("/workload/pgclient");
  private static final String REPORTS_ID = SignetServer.id("/workload/reports");
  private static final Duration COMMAND = Duration.ofSeconds(60);
  private static final int ROTATIONS = 3;

  private Workspace workspace;
  private SignetAgent agent;
  private Path pgDir;
  private Path pgCerts;
  private Path clientCerts;
  private int port;
  private Process session;

  @Override
  public List<Workspace> workspaces() {
    return workspace == null ? List.of() : List.of(workspace);
  }

  @BeforeAll
  void startServerAgentPostgresAndHelpers() throws Exception {
    Path bin = PostgresTestServer.findBinDir(); // PostgreSQL missing is a failure, never a skip
    workspace = new Workspace("helper-pg");
    SignetServer server = new SignetServer(workspace, "20s").start();
    server.admin("entry", "create", "-parentID", NODE, "-spiffeID", POSTGRES_ID,
        "-selector", "unix:uid:" + Uids.of("postgres"), "-dns", "localhost").requireOk();
    server.admin("entry", "create", "-parentID", NODE, "-spiffeID", CLIENT_ID,
        "-selector", "unix:uid:" + Uids.of("nobody"), "-dns", "pgclient").requireOk();
    server.admin("entry", "create", "-parentID", NODE, "-spiffeID", REPORTS_ID,
        "-selector", "unix:uid:" + Uids.current()).requireOk();
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);

    pgDir = ownedDirectory("pg", "postgres");
    pgCerts = ownedDirectory("pg/certs", "postgres");
    clientCerts = ownedDirectory("client", "nobody");
    port = Workspace.freePort();
    Path data = pgDir.resolve("data");
    Distribution.run(COMMAND, List.of(Distribution.requireTool("runuser"), "-u", "postgres", "--",
        bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync"))
        .requireOk();
    Files.writeString(data.resolve("pg_hba.conf"), """
        local   all  postgres                 trust
        hostssl all  all       127.0.0.1/32   cert clientcert=verify-full
        """);

    Path serverConf = workspace.path("pg-helper.conf");
    Files.writeString(serverConf, """
        agent_address = "%s"
        cmd = "%s"
        cmd_args = "-D %s -p %d -k %s -c listen_addresses=127.0.0.1 -c ssl=on -c 'ssl_cert_file=%s' -c 'ssl_key_file=%s' -c 'ssl_ca_file=%s'"
        cert_dir = "%s"
        renew_signal = "SIGHUP"
        svid_file_name = "svid.pem"
        svid_key_file_name = "svid_key.pem"
        svid_bundle_file_name = "svid_bundle.pem"
        """.formatted(agent.socket(), bin.resolve("postgres"), data, port, pgDir, pgCerts.resolve("svid.pem"),
        pgCerts.resolve("svid_key.pem"), pgCerts.resolve("svid_bundle.pem"), pgCerts));
    workspace.start("pg-helper", asUser("postgres", Distribution.get().agentBin(), "helper", "-config",
        serverConf.toString()));

    Path clientConf = workspace.path("client-helper.conf");
    Files.writeString(clientConf, """
        agent_address = "%s"
        cert_dir = "%s"
        svid_file_name = "svid.pem"
        svid_key_file_name = "svid_key.pem"
        svid_bundle_file_name = "svid_bundle.pem"
        """.formatted(agent.socket(), clientCerts));
    workspace.start("client-helper", asUser("nobody", Distribution.get().agentBin(), "helper", "-config",
        clientConf.toString()));

    Poll.until("postgres started by the helper accepts the superuser", Duration.ofSeconds(120), () ->
        Distribution.run(COMMAND, asUser("postgres", bin.resolve("psql").toString(), "-h", pgDir.toString(), "-p",
            Integer.toString(port), "-U", "postgres", "-X", "-c", "SELECT 1")).ok());
    Distribution.run(COMMAND, asUser("postgres", bin.resolve("psql").toString(), "-h", pgDir.toString(), "-p",
        Integer.toString(port), "-U", "postgres", "-X", "-c", "CREATE ROLE pgclient LOGIN")).requireOk();
    Poll.until("the client helper wrote its files", Duration.ofSeconds(60),
        () -> Files.exists(clientCerts.resolve("svid.pem")));
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (session != null) {
      session.destroy();
      if (!session.waitFor(10, TimeUnit.SECONDS)) {
        session.destroyForcibly();
      }
    }
    if (workspace != null) {
      workspace.close(); // the helpers, and through them postgres, then the agent and the server
    }
  }

  @Test
  void postgresServesRotatingSvidsToClientsWithRotatingSvidsOverMutualTls() throws Exception {
    assertThat(Files.getAttribute(pgCerts.resolve("svid_key.pem"), "posix:permissions").toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(query("SELECT current_user").requireOk().stdout().strip())
        .as("cert authentication mapped the SVID's CN (its first DNS name) to the database user").isEqualTo("pgclient");

    session = startSession();
    assertThat(ping(1)).isEqualTo("alive-1");
    Set<BigInteger> served = new HashSet<>();
    Set<BigInteger> clientSerials = new HashSet<>();
    BigInteger first = leaf(Files.readString(pgCerts.resolve("svid.pem"))).getSerialNumber();
    served.add(Poll.value("postgres serves its first SVID", Duration.ofSeconds(30), () -> servedSerial()
        .filter(first::equals)));
    BigInteger current = first;
    clientSerials.add(leaf(Files.readString(clientCerts.resolve("svid.pem"))).getSerialNumber());
    for (int rotation = 1; rotation <= ROTATIONS; rotation++) {
      BigInteger before = current;
      BigInteger rotated = Poll.value("rotation " + rotation + ": a new server SVID in the file", Duration.ofSeconds(90),
          () -> readLeafSerial(pgCerts.resolve("svid.pem")).filter(serial -> !serial.equals(before)));
      // SIGHUP made postgres reload: new handshakes show the new certificate
      served.add(Poll.value("rotation " + rotation + ": postgres serves the new SVID", Duration.ofSeconds(30),
          () -> servedSerial().filter(serial -> !serial.equals(before))));
      clientSerials.add(leaf(Files.readString(clientCerts.resolve("svid.pem"))).getSerialNumber());
      CommandResult fresh = query("SELECT 'new-' || current_user");
      assertThat(fresh.exitCode()).as("a new connection after rotation %d: %s", rotation, fresh).isZero();
      assertThat(fresh.stdout().strip()).isEqualTo("new-pgclient");
      assertThat(ping(rotation + 1)).as("the session opened before the rotations still answers")
          .isEqualTo("alive-" + (rotation + 1));
      current = rotated;
    }
    assertThat(served).as("postgres served %d different certificates", ROTATIONS + 1).hasSizeGreaterThan(ROTATIONS);
    assertThat(clientSerials).as("the client's files rotated too").hasSizeGreaterThan(1);
    System.out.println("helper/postgres: " + served.size() + " server certificates served, " + clientSerials.size()
        + " client certificates seen, one session open throughout");
  }

  @Test
  void aClientCertificateNotChainedToTheBundleIsRefused() throws Exception {
    Path bad = ownedDirectory("bad-client", "nobody");
    Distribution.run(COMMAND, List.of(Distribution.requireTool("openssl"), "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=pgclient", "-days", "1",
        "-keyout", bad.resolve("key.pem").toString(), "-out", bad.resolve("cert.pem").toString())).requireOk();
    chown(bad.resolve("key.pem"), "nobody");
    chown(bad.resolve("cert.pem"), "nobody");
    Files.setPosixFilePermissions(bad.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));

    CommandResult refused = psql(bad.resolve("cert.pem"), bad.resolve("key.pem"), "SELECT 'in'");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.stdout()).doesNotContain("in");
    System.out.println("self-signed client refused: " + refused.stderr().strip());
    assertThat(query("SELECT 'ok'").requireOk().stdout().strip()).as("the real SVID still works").isEqualTo("ok");
  }

  @Test
  void aOneShotHelperWritesAJwtSvidThatAScriptVerifiesAgainstTheJwtBundle() throws Exception {
    String python = SpirePeers.pySpiffePython();
    Path dir = Files.createDirectories(workspace.path("jwt"));
    Path script = workspace.path("verify_jwt.py");
    Files.writeString(script, """
        import base64, json, sys
        import jwt
        token_file, bundle_file, audience, expected = sys.argv[1:5]
        token = open(token_file).read().strip()
        bundles = json.load(open(bundle_file))
        jwks = json.loads(base64.b64decode(bundles[expected.split("/")[2]]))
        header = jwt.get_unverified_header(token)
        key = next(k for k in jwks["keys"] if k.get("kid") == header["kid"])
        claims = jwt.decode(token, jwt.PyJWK(key, header["alg"]).key, algorithms=[header["alg"]], audience=audience)
        if claims["sub"] != expected:
            sys.exit("unexpected sub " + claims["sub"])
        print("verified", claims["sub"], "for", audience)
        """);
    Path conf = workspace.path("jwt-helper.conf");
    Files.writeString(conf, """
        agent_address = "%s"
        daemon_mode = false
        cert_dir = "%s"
        jwt_svids = [{jwt_audience = "reports", jwt_extra_audiences = ["audit"], jwt_svid_file_name = "reports.token"}]
        jwt_bundle_file_name = "jwt_bundle.json"
        cmd = "%s"
        cmd_args = "%s %s %s reports %s"
        """.formatted(agent.socket(), dir, python, script, dir.resolve("reports.token"), dir.resolve("jwt_bundle.json"),
        REPORTS_ID));

    CommandResult run = Distribution.run(COMMAND, List.of(Distribution.get().agentBin(), "helper", "-config",
        conf.toString()));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("verified " + REPORTS_ID + " for reports");
    assertThat(Files.getAttribute(dir.resolve("reports.token"), "posix:permissions").toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");

    CommandResult wrongAudience = Distribution.run(COMMAND, List.of(python, script.toString(),
        dir.resolve("reports.token").toString(), dir.resolve("jwt_bundle.json").toString(), "payments", REPORTS_ID));
    assertThat(wrongAudience.exitCode()).as("the script can fail: " + wrongAudience).isNotZero();
    assertThat(wrongAudience.stderr()).contains("InvalidAudienceError");

    Path failing = workspace.path("jwt-failing.conf");
    Files.writeString(failing, Files.readString(conf).replace("cmd_args = \"", "cmd_args = \"-c 'import sys; sys.exit(5)' #"));
    assertThat(Distribution.run(COMMAND, List.of(Distribution.get().agentBin(), "helper", "-config",
        failing.toString())).exitCode()).as("one-shot mode exits with cmd's exit code").isEqualTo(5);
  }

  private CommandResult query(String sql) {
    return psql(clientCerts.resolve("svid.pem"), clientCerts.resolve("svid_key.pem"), sql);
  }

  private CommandResult psql(Path cert, Path key, String sql) {
    return Distribution.run(COMMAND, asUser("nobody", Distribution.requireTool("psql"), conninfo(cert, key), "-X",
        "-A", "-t", "-c", sql));
  }

  private String conninfo(Path cert, Path key) {
    return "host=127.0.0.1 port=" + port + " dbname=postgres user=pgclient sslmode=verify-ca sslrootcert="
        + clientCerts.resolve("svid_bundle.pem") + " sslcert=" + cert + " sslkey=" + key;
  }

  private Process startSession() throws IOException {
    // line-buffered: psql's answers on a pipe reach the test at once
    return new ProcessBuilder(asUser("nobody", Distribution.requireTool("stdbuf"), "-oL", Distribution.requireTool("psql"),
        conninfo(clientCerts.resolve("svid.pem"), clientCerts.resolve("svid_key.pem")), "-X", "-A", "-t", "-q"))
        .redirectErrorStream(true).start();
  }

  /** Sends a query on the open session and reads its one-line answer. */
  private String ping(int n) throws IOException {
    Writer in = new java.io.OutputStreamWriter(session.getOutputStream(), StandardCharsets.UTF_8);
    in.write("SELECT 'alive-" + n + "';\n");
    in.flush();
    BufferedReader out = sessionOutput();
    String line;
    do {
      line = out.readLine();
    } while (line != null && line.isBlank());
    return line;
  }

  private BufferedReader sessionReader;

  private BufferedReader sessionOutput() {
    if (sessionReader == null) {
      sessionReader = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
    }
    return sessionReader;
  }

  /** The serial of the certificate postgres shows in a TLS handshake now. */
  private Optional<BigInteger> servedSerial() {
    CommandResult handshake = Distribution.run(COMMAND, List.of(Distribution.requireTool("openssl"), "s_client",
        "-starttls", "postgres", "-connect", "127.0.0.1:" + port, "-showcerts"));
    int begin = handshake.stdout().indexOf("-----BEGIN CERTIFICATE-----");
    if (begin < 0) {
      return Optional.empty();
    }
    return Optional.of(leaf(handshake.stdout().substring(begin)).getSerialNumber());
  }

  private static Optional<BigInteger> readLeafSerial(Path file) {
    try {
      return Optional.of(leaf(Files.readString(file)).getSerialNumber());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static X509Certificate leaf(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.cert.CertificateException e) {
      throw new AssertionError("not a PEM certificate: " + pem, e);
    }
  }

  private static List<String> asUser(String user, String... command) {
    List<String> full = new ArrayList<>(List.of(Distribution.requireTool("runuser"), "-u", user, "--"));
    full.addAll(List.of(command));
    return full;
  }

  private Path ownedDirectory(String relative, String user) throws IOException {
    Path dir = Files.createDirectories(workspace.path(relative));
    chown(dir, user);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  private static void chown(Path path, String user) throws IOException {
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, lookup.lookupPrincipalByName(user));
  }
}
