package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent is killed with SIGKILL ten times, alternately right after a sync that made new SVIDs and right
 * after it stored a rotated SVID of its own (it rotates every ~8 s). It attested with a join token, which cannot be used again, so after
 * each restart it must resume from what it stored, with a key that matches its certificate, and serve.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AgentCrashConsistencyEndToEndTest extends WorkspacePerTest {
  private static final String NODE = SignetServer.id("/node/agent-crash");
  private static final int ROUNDS = 10;


  AgentCrashConsistencyEndToEndTest() {
    super("agent-crash");
  }

  @Test
  void anAgentKilledDuringSyncsAndRotationsResumesWithAValidIdentity() throws Exception {
    // agent SVIDs live 16 s, so they rotate every ~8 s; workload SVIDs every ~10 s
    SignetServer server = new SignetServer(workspace, "20s").withServerBlocks("    agent_ttl = \"16s\"").start();
    String workload = SignetServer.id("/agent-crash/workload");
    server.createEntryOverGrpc(NODE, workload, "unix:uid:" + Uids.current());
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
    Path state = workspace.path("a-data/agent_state.json");
    Set<String> agentSerials = new HashSet<>();

    for (int round = 1; round <= ROUNDS; round++) {
      if (round % 2 == 1) {
        // right after a sync that made new SVIDs
        long syncs = syncsWithNewSvids(agent);
        for (int i = 0; i < 3; i++) {
          server.createEntryOverGrpc(NODE, SignetServer.id("/agent-crash/r" + round + "/" + i),
              "unix:uid:" + (5000 + i));
        }
        Poll.until("round " + round + ": the agent synced the new entries", Duration.ofSeconds(60),
            () -> syncsWithNewSvids(agent) > syncs);
      } else {
        // right after the agent stored a rotated SVID of its own
        String serial = agentSerial(state);
        Poll.until("round " + round + ": the agent rotated its SVID", Duration.ofSeconds(60),
            () -> !agentSerial(state).equals(serial));
      }
      agent.process().kill();
      agentSerials.add(agentSerial(state));

      agent.restartWithoutToken();
      CommandResult fetch = agent.fetchX509(null);
      assertThat(fetch.exitCode()).as("round %d: the restarted agent serves: %s", round, fetch).isZero();
      assertThat(fetch.stdout()).contains(workload);
      assertThat(agent.process().tail(200)).as("round %d: resumed, not attested again", round)
          .contains("resuming as");
    }
    assertThat(agentSerials).as("the agent's own SVID rotated during the test").hasSizeGreaterThan(1);
  }

  /** Lines of the agent's current log saying a sync made new X509-SVIDs. */
  private static long syncsWithNewSvids(SignetAgent agent) {
    try (var lines = Files.lines(agent.process().log())) {
      return lines.filter(line -> line.matches(".*synced \\d+ entries, [1-9]\\d* new x509-svids.*")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String agentSerial(Path state) {
    try {
      String pem = new ObjectMapper().readTree(Files.readString(state)).path("svid_chain").asText();
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return leaf.getSerialNumber().toString(16);
    } catch (java.io.IOException | java.security.cert.CertificateException e) {
      throw new AssertionError("cannot read the agent's state: " + e.getMessage(), e);
    }
  }
}
