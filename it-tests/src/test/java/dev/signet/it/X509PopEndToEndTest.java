package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent attests to the built server with {@code NodeAttestor "x509pop"}: a node certificate made
 * by openssl (an EC key, a root and an intermediate CA), the server's CA bundle, the nonce challenge over
 * the real AttestAgent stream; the agent gets SPIRE's fingerprint-based ID and serves a workload registered
 * under the node's {@code x509pop:subject:cn} alias.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class X509PopEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE_ALIAS = SignetServer.id("/node/edge-vehicle-7");
  private static final String WORKLOAD = SignetServer.id("/workload/telemetry");

  private Workspace workspace;
  private SignetServer server;
  private Path pki;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() throws Exception {
    workspace = new Workspace("x509pop");
    pki = Files.createDirectories(workspace.path("pki"));
    makePki();
    server = new SignetServer(workspace).withPlugins("""
        NodeAttestor "x509pop" {
            plugin_data {
                ca_bundle_path = "%s"
            }
        }""".formatted(pki.resolve("root.crt"))).start();
  }

  @AfterAll
  void stop() {
    if (workspace != null) {
      workspace.close();
    }
  }

  /** root CA -> intermediate CA -> node certificate (CN edge-vehicle-7, digitalSignature), all by openssl. */
  private void makePki() {
    Path ext = pki.resolve("ext.cnf");
    try {
      Files.writeString(ext, """
          [req]
          distinguished_name = dn
          prompt = no
          [dn]
          [ca]
          basicConstraints = critical, CA:true
          keyUsage = critical, keyCertSign, cRLSign
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          [node]
          basicConstraints = critical, CA:false
          keyUsage = critical, digitalSignature
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          """);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String openssl = Distribution.requireTool("openssl");
    for (String name : List.of("root", "intermediate", "node")) {
      openssl(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pki.resolve(name + ".key").toString());
    }
    openssl(openssl, "req", "-x509", "-new", "-key", path("root.key"), "-subj", "/O=Fleet/CN=Fleet Root", "-days", "2",
        "-config", ext.toString(), "-extensions", "ca", "-out", path("root.crt"));
    signed(openssl, "intermediate", "/O=Fleet/CN=Fleet Issuing", "root", "ca", ext);
    signed(openssl, "node", "/O=Fleet/CN=edge-vehicle-7", "intermediate", "node", ext);
  }

  private void signed(String openssl, String name, String subject, String issuer, String section, Path ext) {
    openssl(openssl, "req", "-new", "-key", path(name + ".key"), "-subj", subject, "-config", ext.toString(),
        "-out", path(name + ".csr"));
    openssl(openssl, "x509", "-req", "-in", path(name + ".csr"), "-CA", path(issuer + ".crt"), "-CAkey",
        path(issuer + ".key"), "-CAcreateserial", "-days", "1", "-extfile", ext.toString(), "-extensions", section,
        "-out", path(name + ".crt"));
  }

  private String path(String file) {
    return pki.resolve(file).toString();
  }

  private static void openssl(String openssl, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(openssl));
    command.addAll(List.of(args));
    Distribution.run(Duration.ofSeconds(30), command).requireOk();
  }

  @Test
  void anAgentAttestsWithItsNodeCertificateAndServesItsWorkloads() throws Exception {
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "x509pop:subject:cn:edge-vehicle-7");
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestWith("""
        NodeAttestor "x509pop" {
            plugin_data {
                certificate_path = "%s"
                private_key_path = "%s"
                intermediates_path = "%s"
            }
        }""".formatted(path("node.crt"), path("node.key"), path("intermediate.crt")));

    List<String> agents = server.agentIds();
    assertThat(agents).anyMatch(id -> id.matches("spiffe://example\\.org/spire/agent/x509pop/[0-9a-f]{40}"));
    CommandResult fetched = Poll.value("the workload's SVID via the x509pop node alias", Duration.ofSeconds(30), () -> {
      CommandResult result = agent.fetchX509(null);
      return result.ok() && result.stdout().contains(WORKLOAD) ? java.util.Optional.of(result)
          : java.util.Optional.empty();
    });
    assertThat(fetched.stdout()).contains("SPIFFE ID:\t\t" + WORKLOAD);
  }
}
