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
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent is killed with SIGKILL at random moments, ten times, while entries are added (syncs) and its
 * own SVID rotates every few seconds. It attested with a join token, which cannot be used again, so after
 * each restart it must resume from what it stored, with a key that matches its certificate, and serve.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AgentCrashConsistencyEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/agent-crash");
  private static final int ROUNDS = 10;

  private final Workspace workspace = new Workspace("agent-crash");
  private final Random random = new Random();

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @AfterEach
  void stopAll() {
    workspace.close();
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
      for (int i = 0; i < 3; i++) {
        server.createEntryOverGrpc(NODE, SignetServer.id("/agent-crash/r" + round + "/" + i), "unix:uid:" + (5000 + i));
      }
      Thread.sleep(1000 + random.nextInt(9000));
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

  private static String agentSerial(Path state) throws Exception {
    String pem = new ObjectMapper().readTree(Files.readString(state)).path("svid_chain").asText();
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    return leaf.getSerialNumber().toString(16);
  }
}
