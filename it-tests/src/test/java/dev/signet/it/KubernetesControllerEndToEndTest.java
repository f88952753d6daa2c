package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.controller.k8s.MockCluster;
import dev.signet.controller.k8s.SpireResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built {@code signet-controller-manager} keeps the built server's entries in step with a Kubernetes cluster:
 * a mock API server in this JVM (fabric8's, CRUD mode, reached through a kubeconfig file) holds the namespace, node,
 * pod and ClusterSPIFFEID; the controller runs from the distribution with spire-controller-manager's config file
 * and talks to the server over its admin socket. A matched pod gets its entry (spire-controller-manager's shape);
 * the pod going takes the entry away; an entry made with {@code entry create} is left alone; the resource's status
 * reports what was done. And an agent on a node of that cluster (attested with {@code k8s_psat} through a fake API
 * server that knows the node by the same UID) serves a pod's entry to a process in the pod's container cgroup
 * (cgroup v1, {@code kubepods/besteffort/pod<uid>/<container id>}), the pod found through a fake kubelet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KubernetesControllerEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Workspace workspace;
  private SignetServer server;
  private MockCluster cluster;
  private KubernetesClient kube;
  private ServiceAccountTokens tokens;
  private FakeKubernetesApi api;
  private FakeKubelet kubelet;
  private final List<Path> cgroups = new java.util.ArrayList<>();

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() throws IOException {
    workspace = new Workspace("controller");
    tokens = new ServiceAccountTokens();
    api = new FakeKubernetesApi(tokens);
    kubelet = new FakeKubelet();
    server = new SignetServer(workspace).withPlugins(KubernetesAttestorPlugins.psatServer("demo",
        api.writeKubeconfig(workspace.path("api-kubeconfig")), List.of())).start();
    cluster = new MockCluster();
    kube = cluster.client();
    Path kubeconfig = cluster.writeKubeconfig(workspace.path("kubeconfig"));
    Path config = Files.writeString(workspace.path("controller-manager-config.yaml"), """
        apiVersion: spire.spiffe.io/v1alpha1
        kind: ControllerManagerConfig
        metrics:
          bindAddress: 127.0.0.1:8082
        healthProbe:
          bindAddress: 127.0.0.1:8083
        leaderElection:
          leaderElect: false
        clusterName: demo
        trustDomain: %s
        ignoreNamespaces:
          - kube-system
        spireServerSocketPath: %s
        gcInterval: 2s
        """.formatted(server.trustDomain(), server.socket()));
    workspace.start("controller", List.of(Distribution.get().home().resolve("bin/signet-controller-manager").toString(),
        "--config=" + config), Map.of("KUBECONFIG", kubeconfig.toString()));
  }

  @AfterAll
  void stop() {
    if (workspace != null) {
      workspace.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (api != null) {
      api.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    for (Path cgroup : cgroups.reversed()) {
      try {
        Files.deleteIfExists(cgroup);
      } catch (IOException e) {
        System.err.println("cgroup " + cgroup + " left behind: " + e);
      }
    }
  }

  @Test
  void aPodMatchedByAClusterSpiffeIdGetsItsEntryAndLosesItWithThePod() {
    String handMade = server.createEntry(SignetServer.id("/spire/server"), SignetServer.id("/by-hand"), "unix:uid:4242");
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    String nodeUid = kube.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
        .create().getMetadata().getUid();
    cluster.create(SpireResources.CLUSTER_SPIFFE_ID, "web", Map.of(
        "spiffeIDTemplate", "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}",
        "podSelector", Map.of("matchLabels", Map.of("app", "web")),
        "dnsNameTemplates", List.of("{{ .PodMeta.Name }}.{{ .PodMeta.Namespace }}.svc"),
        "ttl", "30m"));
    Pod pod = kube.pods().resource(new PodBuilder().withNewMetadata().withNamespace("shop").withName("web-0")
        .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().withNodeName("node-1")
        .withServiceAccountName("web").endSpec().build()).create();
    kube.pods().resource(new PodBuilder().withNewMetadata().withNamespace("shop").withName("db-0")
        .withLabels(Map.of("app", "db")).endMetadata().withNewSpec().withNodeName("node-1")
        .withServiceAccountName("db").endSpec().build()).create();

    String workload = SignetServer.id("/ns/shop/sa/web");
    String shown = Poll.value("the pod's entry", WAIT, () -> {
      CommandResult result = server.admin("entry", "show", "-spiffeID", workload);
      return result.ok() && result.stdout().contains(workload) ? java.util.Optional.of(result.stdout())
          : java.util.Optional.empty();
    });
    assertThat(shown).containsPattern("Entry ID\\s*: demo\\.[0-9a-f-]{36}")
        .containsPattern("Parent ID\\s*: " + SignetServer.id("/spire/agent/k8s_psat/demo/" + nodeUid))
        .containsPattern("Selector\\s*: k8s:pod-uid:" + pod.getMetadata().getUid())
        .containsPattern("DNS name\\s*: web-0\\.shop\\.svc")
        .containsPattern("X509-SVID TTL\\s*: 1800");
    assertThat(server.admin("entry", "show", "-spiffeID", SignetServer.id("/ns/shop/sa/db")).stdout())
        .doesNotContain("/ns/shop/sa/db");
    Poll.until("the ClusterSPIFFEID's status", WAIT, () -> {
      GenericKubernetesResource web = kube.genericKubernetesResources(SpireResources.CLUSTER_SPIFFE_ID)
          .withName("web").get();
      return String.valueOf(web.getAdditionalProperties().get("status")).contains("entriesToSet=1");
    });

    kube.pods().inNamespace("shop").withName("web-0").delete();
    Poll.until("the entry to go with the pod", WAIT,
        () -> !server.admin("entry", "show", "-spiffeID", workload).stdout().contains(workload));
    assertThat(server.admin("entry", "show", "-entryID", handMade).requireOk().stdout()).contains(handMade);
  }

  @Test
  void anAgentOnTheNodeServesThePodItsEntryInThePodsContainerCgroupOnly() throws IOException {
    Path pids = Path.of("/sys/fs/cgroup/pids");
    assertThat(Files.isWritable(pids)).as("needs root and a writable cgroup v1 pids hierarchy at " + pids).isTrue();
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pay").endMetadata().build()).create();
    String nodeUid = kube.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-2").endMetadata().build())
        .create().getMetadata().getUid();
    cluster.create(SpireResources.CLUSTER_SPIFFE_ID, "pay", Map.of(
        "spiffeIDTemplate", "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}",
        "podSelector", Map.of("matchLabels", Map.of("app", "pay"))));
    String podUid = kube.pods().resource(new PodBuilder().withNewMetadata().withNamespace("pay").withName("pay-0")
        .withLabels(Map.of("app", "pay")).endMetadata().withNewSpec().withNodeName("node-2")
        .withServiceAccountName("pay").endSpec().build()).create().getMetadata().getUid();
    String workload = SignetServer.id("/ns/pay/sa/pay");
    Poll.until("the pod's entry", WAIT, () -> server.admin("entry", "show", "-spiffeID", workload).stdout()
        .contains(workload));

    // the node as the server's k8s_psat attestor sees it (same UID), the agent's own pod on it
    String agentPodUid = java.util.UUID.randomUUID().toString();
    api.addNode("node-2", nodeUid, Map.of());
    api.addPod("spire", "spire-agent-node-2", agentPodUid, "node-2", "10.0.0.12");
    String containerId = randomContainerId();
    kubelet.addPod("pay", "pay-0", podUid, "pay", Map.of("app", "pay"), "app", containerId, "pay:1");
    Path podCgroup = pids.resolve("kubepods").resolve("besteffort").resolve("pod" + podUid);
    for (Path dir : List.of(pids.resolve("kubepods"), pids.resolve("kubepods/besteffort"), podCgroup,
        podCgroup.resolve(containerId))) {
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(dir);
        cgroups.add(dir);
      }
    }
    Path token = Files.writeString(workspace.path("node-2.token"),
        tokens.projected("spire", "spire-agent", "spire-agent-node-2", agentPodUid, "spire-server") + "\n");
    SignetAgent agent = new SignetAgent(workspace, server, "node-2").withPlugins("""
        WorkloadAttestor "k8s" {
            plugin_data {
                kubelet_read_only_port = %d
                node_name = "127.0.0.1"
            }
        }""".formatted(kubelet.port())).attestWith(KubernetesAttestorPlugins.agent("k8s_psat", "demo", token));
    assertThat(server.agentIds()).contains(SignetServer.id("/spire/agent/k8s_psat/demo/" + nodeUid));

    String fetch = Distribution.get().agentBin() + " api fetch x509 -socketPath " + agent.socket();
    CommandResult inside = Poll.value("the pod's SVID at a process in its container", WAIT, () -> {
      CommandResult result = Distribution.run(Duration.ofSeconds(60), List.of("sh", "-c",
          "echo $$ > " + podCgroup.resolve(containerId).resolve("cgroup.procs") + " && exec " + fetch));
      return result.ok() && result.stdout().contains(workload) ? java.util.Optional.of(result)
          : java.util.Optional.empty();
    });
    assertThat(inside.stdout()).contains("SPIFFE ID:\t\t" + workload);
    assertThat(agent.fetchX509(null).output()).doesNotContain(workload);
  }

  private static String randomContainerId() {
    byte[] random = new byte[32];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(random);
    return java.util.HexFormat.of().formatHex(random);
  }
}
