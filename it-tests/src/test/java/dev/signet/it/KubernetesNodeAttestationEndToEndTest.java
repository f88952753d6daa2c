package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent attests to the built server with {@code NodeAttestor "k8s_psat"} and {@code "k8s_sat"}:
 * the server asks a fake Kubernetes API server (real wire format, over the kubeconfig the test writes) to
 * review the agent's token and looks up its pod and node; SAT tokens are also verified locally with the
 * cluster's service account key. The agent reads its token from a file, as from the kubelet's volume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KubernetesNodeAttestationEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE_UID = "3f8a9c1e-5b2d-4e6f-8a7b-9c0d1e2f3a4b";
  private static final String OTHER_NODE_UID = "7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8";
  private static final String POD_UID = "56857f33-36a9-11e9-860c-080027b25557";
  private static final String NODE_ALIAS = SignetServer.id("/k8s/demo/node-1");
  private static final String WORKLOAD = SignetServer.id("/workload/billing");

  private Workspace workspace;
  private SignetServer server;
  private ServiceAccountTokens tokens;
  private FakeKubernetesApi api;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() {
    workspace = new Workspace("k8s");
    tokens = new ServiceAccountTokens();
    api = new FakeKubernetesApi(tokens);
    api.addNode("node-1", NODE_UID, Map.of("topology.kubernetes.io/zone", "eu-west-1a", "secret", "x"));
    api.addNode("node-2", OTHER_NODE_UID, Map.of());
    api.addPod("spire", "spire-agent-x7k2p", POD_UID, "node-1", "10.0.0.5");
    api.addPod("spire", "intruder-9qz", "c0ffee00-0000-4000-8000-000000000001", "node-2", "10.0.0.6");
    Path kubeconfig = api.writeKubeconfig(workspace.path("kubeconfig"));
    Path serviceAccountKey = tokens.writePublicKey(workspace.path("sa.pub"));
    server = new SignetServer(workspace).withPlugins(KubernetesAttestorPlugins.psatServer("demo", kubeconfig,
        List.of("topology.kubernetes.io/zone")) + """

        NodeAttestor "k8s_sat" {
            plugin_data {
                clusters = {
                    "demo" = {
                        service_account_allow_list = ["spire:spire-agent"]
                        service_account_key_file = "%2$s"
                    }
                    "reviewed" = {
                        service_account_allow_list = ["spire:spire-agent"]
                        use_token_review_api_validation = true
                        kube_config_file = "%1$s"
                    }
                }
            }
        }""".formatted(kubeconfig, serviceAccountKey)).start();
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
    if (workspace != null) {
      workspace.close();
    }
  }

  private Path tokenFile(String name, String token) {
    try {
      return Files.writeString(workspace.path(name + ".token"), token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aPsatAgentIsNamedByItsNodeAndServesWorkloadsOfItsNodeAlias() {
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "k8s_psat:agent_node_name:node-1");
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());
    Path token = tokenFile("psat", tokens.projected("spire", "spire-agent", "spire-agent-x7k2p", POD_UID, "spire-server"));
    SignetAgent agent = new SignetAgent(workspace, server, "psat")
        .attestWith(KubernetesAttestorPlugins.agent("k8s_psat", "demo", token));

    String agentId = SignetServer.id("/spire/agent/k8s_psat/demo/" + NODE_UID);
    assertThat(server.agentIds()).contains(agentId);
    assertThat(api.tokenReviews()).isPositive();
    String shown = server.admin("agent", "show", "-spiffeID", agentId).requireOk().stdout();
    assertThat(shown).contains("k8s_psat:cluster:demo", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:spire-agent",
        "k8s_psat:agent_pod_name:spire-agent-x7k2p", "k8s_psat:agent_pod_uid:" + POD_UID,
        "k8s_psat:agent_node_ip:10.0.0.5", "k8s_psat:agent_node_uid:" + NODE_UID,
        "k8s_psat:agent_node_label:topology.kubernetes.io/zone:eu-west-1a")
        .doesNotContain("agent_node_label:secret");
    CommandResult fetched = Poll.value("the workload's SVID via the k8s_psat node alias", Duration.ofSeconds(30), () -> {
      CommandResult result = agent.fetchX509(null);
      return result.ok() && result.stdout().contains(WORKLOAD) ? Optional.of(result) : Optional.empty();
    });
    assertThat(fetched.stdout()).contains("SPIFFE ID:\t\t" + WORKLOAD);
  }

  @Test
  void satAgentsGetAFreshUuidWhetherTheTokenIsVerifiedLocallyOrReviewed() {
    for (String cluster : List.of("demo", "reviewed")) {
      Path token = tokenFile("sat-" + cluster, tokens.legacy("spire", "spire-agent"));
      new SignetAgent(workspace, server, "sat-" + cluster)
          .attestWith(KubernetesAttestorPlugins.agent("k8s_sat", cluster, token));

      String agentId = server.agentIds().stream()
          .filter(id -> id.startsWith(SignetServer.id("/spire/agent/k8s_sat/" + cluster + "/"))).findFirst().orElseThrow();
      assertThat(agentId).matches(".*/k8s_sat/" + cluster + "/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
      String shown = server.admin("agent", "show", "-spiffeID", agentId).requireOk().stdout();
      assertThat(shown).contains("k8s_sat:cluster:" + cluster, "k8s_sat:agent_ns:spire", "k8s_sat:agent_sa:spire-agent");
    }
  }

  @Test
  void aTokenOfAServiceAccountOffTheAllowListIsRefusedAndTheServerCarriesOn() {
    Path token = tokenFile("intruder", tokens.projected("spire", "intruder", "intruder-9qz",
        "c0ffee00-0000-4000-8000-000000000001", "spire-server"));
    RunningProcess refused = new SignetAgent(workspace, server, "intruder")
        .startAttestingWith(KubernetesAttestorPlugins.agent("k8s_psat", "demo", token));

    Integer code = refused.awaitExit(Duration.ofSeconds(90));
    assertThat(code).as("the refused agent exits").isNotNull().isNotZero();
    assertThat(refused.tail(60)).contains("PERMISSION_DENIED").contains("spire:intruder").contains("is not allowed");
    assertThat(server.process().isAlive()).isTrue();
    assertThat(SignetServer.serving(server.socket())).isTrue();
    assertThat(server.agentIds()).noneMatch(id -> id.contains(OTHER_NODE_UID));
  }
}
