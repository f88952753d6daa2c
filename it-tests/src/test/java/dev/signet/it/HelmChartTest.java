package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.PluginBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Helm chart {@code packaging/helm/signet}: {@code helm lint}, {@code helm template} with the default values
 * and with PostgreSQL and the gateway, kubeconform in strict mode against Kubernetes' own schemas (generated
 * offline by {@code tools/peers/helm}), the rendered {@code server.conf}, {@code agent.conf} and
 * {@code gateway.conf} accepted by the built binaries' {@code validate}, and the wiring a broken chart would
 * get wrong: the agent's socket hostPath at the path agent.conf names, the projected token where the attestor
 * reads it, probes on the health_checks paths and port, Prometheus annotations on the telemetry port, RBAC;
 * with the controller manager and the OIDC discovery provider, their sidecars on the server's admin socket, the
 * spire.spiffe.io CRDs (custom resources checked against them), their configs accepted by the binaries.
 * Helm v4 and kubeconform are the real tools from the Go module proxy ({@code SIGNET_PEERS_BIN}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String KUBERNETES = "1.34.4";

  private final Path chart = Path.of(System.getProperty("signet.repo", ".."), "packaging", "helm", "signet")
      .toAbsolutePath().normalize();
  private Workspace workspace;

  @BeforeAll
  void setUp() {
    workspace = new Workspace("helm");
  }

  @AfterAll
  void tearDown() {
    workspace.close();
  }

  @Test
  void lintPassesStrict() {
    CommandResult lint = Distribution.run(TIMEOUT, List.of(SpirePeers.bin("helm"), "lint", "--strict", chart.toString()));
    assertThat(lint.ok()).as(lint.toString()).isTrue();
    assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void defaultValuesRenderSchemaValidManifestsAndConfigsTheBinariesAccept() throws IOException {
    RenderedChart chart = render("default");
    kubeconform(chart, "default");

    assertThat(chart.kinds()).contains("StatefulSet", "DaemonSet", "Service", "ConfigMap", "ServiceAccount",
        "ClusterRole", "ClusterRoleBinding").doesNotContain("Deployment");
    ConfigSection server = chart.hcl("signet-server", "server.conf");
    ConfigSection agent = chart.hcl("signet-agent", "agent.conf");
    assertThat(server.section("plugins").section("DataStore").section("sql").section("plugin_data")
        .getString("database_type", "")).isEqualTo("sqlite3");
    validate(Distribution.get().serverBin(), "server.conf", chart.configFile("signet-server", "server.conf"), Map.of(), false);
    validate(Distribution.get().agentBin(), "agent.conf", chart.configFile("signet-agent", "agent.conf"), Map.of(), false);

    JsonNode statefulSet = chart.one("StatefulSet", "signet-server");
    assertThat(statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText())
        .isEqualTo("data");
    JsonNode serverPod = statefulSet.path("spec").path("template");
    assertProbesAndMetrics(serverPod, server);
    assertThat(mountPath(container(serverPod), "data")).isEqualTo("/var/lib/signet");
    assertThat(server.section("server").getString("data_dir", "")).startsWith("/var/lib/signet/");

    JsonNode daemonSet = chart.one("DaemonSet", "signet-agent");
    JsonNode agentPod = daemonSet.path("spec").path("template");
    assertThat(agentPod.path("spec").path("hostPID").asBoolean()).isTrue();
    assertProbesAndMetrics(agentPod, agent);
    Path socket = Path.of(agent.section("agent").getString("socket_path", ""));
    JsonNode sockets = volume(agentPod, "sockets");
    assertThat(sockets.path("hostPath").path("path").asText()).isEqualTo(socket.getParent().toString());
    assertThat(mountPath(container(agentPod), "sockets")).isEqualTo(socket.getParent().toString());

    PluginBlock psat = plugin(agent, "NodeAttestor", "k8s_psat");
    Path tokenPath = Path.of(psat.data().getString("token_path", ""));
    JsonNode projected = volume(agentPod, "token").path("projected").path("sources").get(0).path("serviceAccountToken");
    assertThat(mountPath(container(agentPod), "token") + "/" + projected.path("path").asText()).isEqualTo(tokenPath.toString());
    assertThat(projected.path("audience").asText()).isEqualTo("spire-server");
    Map<String, ConfigSection> clusters = plugin(server, "NodeAttestor", "k8s_psat").data().labelledSections("clusters");
    assertThat(clusters).containsOnlyKeys(psat.data().getString("cluster", ""));
    ConfigSection cluster = clusters.values().iterator().next();
    assertThat(cluster.getList("service_account_allow_list"))
        .containsExactly("signet:" + agentPod.path("spec").path("serviceAccountName").asText());
    assertThat(cluster.getList("audience")).containsExactly(projected.path("audience").asText());
    assertThat(plugin(agent, "WorkloadAttestor", "k8s").data().getBool("skip_kubelet_verification", false)).isTrue();
    assertThat(env(container(agentPod), "MY_NODE_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("spec.nodeName");
    Path bundle = Path.of(agent.section("agent").getString("trust_bundle_path", ""));
    assertThat(mountPath(container(agentPod), "bundle")).isEqualTo(bundle.getParent().toString());

    assertThat(rules(chart.one("ClusterRole", "signet-server"))).contains(
        "authentication.k8s.io/tokenreviews:create", "/pods:get", "/pods:list", "/nodes:get", "/nodes:list");
    assertThat(rules(chart.one("ClusterRole", "signet-agent"))).contains("/nodes/proxy:get", "/pods:get");
    assertThat(chart.one("ClusterRoleBinding", "signet-server").path("subjects").get(0).path("name").asText())
        .isEqualTo(serverPod.path("spec").path("serviceAccountName").asText());
  }

  @Test
  void postgresAndGatewayRenderSchemaValidManifestsAndConfigsTheBinariesAccept() throws IOException {
    RenderedChart chart = render("postgres-gateway", "datastore.postgres.enabled=true", "datastore.postgres.host=db.example",
        "server.replicas=3", "server.javaOpts=-Xmx2g", "gateway.enabled=true", "gateway.upstream=billing:8080",
        "gateway.policies.billing\\.yaml=name: billing");
    kubeconform(chart, "postgres-gateway");

    JsonNode statefulSet = chart.one("StatefulSet", "signet-server");
    assertThat(statefulSet.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode server = container(statefulSet.path("spec").path("template"));
    assertThat(server.path("args").toString()).contains("-expandEnv");
    JsonNode password = env(server, "SIGNET_DATASTORE_PASSWORD").path("valueFrom").path("secretKeyRef");
    assertThat(password.path("name").asText()).isEqualTo("signet-postgres");
    assertThat(password.path("key").asText()).isEqualTo("password");
    assertThat(env(server, "SIGNET_JAVA_OPTS").path("value").asText()).isEqualTo("-Xmx2g");
    String serverConf = chart.configFile("signet-server", "server.conf");
    assertThat(serverConf).contains("database_type = \"postgres\"").contains("host=db.example port=5432 dbname=signet")
        .contains("password=${SIGNET_DATASTORE_PASSWORD}").doesNotContain("sqlite3");
    validate(Distribution.get().serverBin(), "server-postgres.conf", serverConf,
        Map.of("SIGNET_DATASTORE_PASSWORD", "s3cret"), true);

    JsonNode deployment = chart.one("Deployment", "signet-gateway");
    JsonNode gatewayPod = deployment.path("spec").path("template");
    ConfigSection gateway = chart.hcl("signet-gateway", "gateway.conf");
    Path socket = Path.of(gateway.section("gateway").getString("socket_path", ""));
    assertThat(socket.toString()).isEqualTo(chart.hcl("signet-agent", "agent.conf").section("agent").getString("socket_path", ""));
    assertThat(volume(gatewayPod, "sockets").path("hostPath").path("path").asText()).isEqualTo(socket.getParent().toString());
    assertThat(mountPath(container(gatewayPod), "sockets")).isEqualTo(socket.getParent().toString());
    assertThat(gateway.labelledSections("inbound").get("upstream").getString("upstream", "")).isEqualTo("billing:8080");
    assertThat(chart.one("ConfigMap", "signet-gateway-policies").path("data").path("billing.yaml").asText()).contains("name: billing");
    assertThat(gatewayPod.path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(gateway.section("gateway").getString("metrics_listen", "").replaceFirst(".*:", ""));
    validate(Distribution.get().home().resolve("bin/signet-gateway").toString(), "gateway.conf",
        chart.configFile("signet-gateway", "gateway.conf"), Map.of(), false);
  }

  @Test
  void controllerManagerAndOidcDiscoveryProviderRenderSchemaValidManifestsAndConfigsTheBinariesAccept()
      throws IOException {
    RenderedChart chart = render("controller-oidc", "controllerManager.enabled=true", "oidcDiscoveryProvider.enabled=true",
        "server.jwtIssuer=https://oidc.example.org", "oidcDiscoveryProvider.jwtIssuer=https://oidc.example.org",
        "controllerManager.clusterSPIFFEIDs.default.spiffeIDTemplate=spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}",
        "controllerManager.clusterSPIFFEIDs.default.podSelector.matchLabels.app=web");
    kubeconform(chart, "controller-oidc");

    assertThat(chart.kinds()).contains("CustomResourceDefinition", "ClusterSPIFFEID");
    assertThat(chart.kinds().stream().filter("CustomResourceDefinition"::equals)).hasSize(3);
    for (String crd : List.of("clusterspiffeids", "clusterstaticentries", "clusterfederatedtrustdomains")) {
      JsonNode definition = chart.one("CustomResourceDefinition", crd + ".spire.spiffe.io");
      assertThat(definition.path("spec").path("group").asText()).isEqualTo("spire.spiffe.io");
      assertThat(definition.path("spec").path("scope").asText()).isEqualTo("Cluster");
      assertThat(definition.path("spec").path("versions").get(0).path("name").asText()).isEqualTo("v1alpha1");
    }
    JsonNode identity = chart.one("ClusterSPIFFEID", "default");
    assertThat(identity.path("spec").path("spiffeIDTemplate").asText())
        .isEqualTo("spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}");

    ConfigSection server = chart.hcl("signet-server", "server.conf");
    assertThat(server.section("server").getString("jwt_issuer", "")).isEqualTo("https://oidc.example.org");
    String adminSocket = server.section("server").getString("socket_path", "");
    JsonNode serverPod = chart.one("StatefulSet", "signet-server").path("spec").path("template");
    JsonNode controller = namedContainer(serverPod, "controller-manager");
    JsonNode oidc = namedContainer(serverPod, "oidc-discovery-provider");
    assertThat(mountPath(controller, "socket")).isEqualTo(Path.of(adminSocket).getParent().toString());
    assertThat(mountPath(oidc, "socket")).isEqualTo(Path.of(adminSocket).getParent().toString());
    assertThat(controller.path("command").toString()).contains("@/opt/signet/lib/signet-controller-manager.args");

    String controllerConfig = chart.configFile("signet-server-controller-manager", "controller-manager-config.yaml");
    assertThat(controllerConfig).contains("spireServerSocketPath: \"" + adminSocket + "\"")
        .contains("trustDomain: \"example.org\"").contains("- \"signet\"");
    Path controllerConf = Files.writeString(workspace.path("controller-manager-config.yaml"), controllerConfig);
    CommandResult checked = Distribution.run(TIMEOUT, List.of(
        Distribution.get().home().resolve("bin/signet-controller-manager").toString(), "validate",
        "--config=" + controllerConf));
    assertThat(checked.ok()).as(checked.toString()).isTrue();

    ConfigSection oidcConf = chart.hcl("signet-server-oidc-discovery", "oidc-discovery-provider.conf");
    assertThat(oidcConf.section("server_api").getString("address", "")).isEqualTo("unix://" + adminSocket);
    assertThat(oidcConf.getString("insecure_addr", "")).endsWith(":" + containerPort(oidc, "oidc"));
    assertThat(chart.one("Service", "signet-server-oidc").path("spec").path("ports").get(0).path("targetPort").asText())
        .isEqualTo("oidc");

    List<String> rules = rules(chart.one("ClusterRole", "signet-server-controller-manager"));
    assertThat(rules).contains("/pods:watch", "/nodes:list", "/namespaces:watch", "/endpoints:watch",
        "spire.spiffe.io/clusterspiffeids:watch", "spire.spiffe.io/clusterstaticentries:list",
        "spire.spiffe.io/clusterspiffeids/status:update", "spire.spiffe.io/clusterstaticentries/status:update");
    assertThat(chart.one("ClusterRoleBinding", "signet-server-controller-manager").path("subjects").get(0)
        .path("name").asText()).isEqualTo(serverPod.path("spec").path("serviceAccountName").asText());
  }

  private static JsonNode namedContainer(JsonNode pod, String name) {
    for (JsonNode container : pod.path("spec").path("containers")) {
      if (container.path("name").asText().equals(name)) {
        return container;
      }
    }
    throw new AssertionError("no container " + name + " in " + pod);
  }

  @Test
  void insecureBootstrapReplacesTheBundleConfigMap() throws IOException {
    RenderedChart chart = render("insecure", "agent.insecureBootstrap=true", "agent.hostNetwork=true");
    kubeconform(chart, "insecure");
    ConfigSection agent = chart.hcl("signet-agent", "agent.conf").section("agent");
    assertThat(agent.getBool("insecure_bootstrap", false)).isTrue();
    assertThat(agent.has("trust_bundle_path")).isFalse();
    JsonNode pod = chart.one("DaemonSet", "signet-agent").path("spec").path("template");
    assertThat(pod.path("spec").path("volumes").toString()).doesNotContain("\"bundle\"");
    assertThat(pod.path("spec").path("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.path("spec").path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
    validate(Distribution.get().agentBin(), "agent-insecure.conf", chart.configFile("signet-agent", "agent.conf"), Map.of(), false);
  }

  @Test
  void anAgentWithoutAWayToTrustTheServerIsRefused() {
    CommandResult template = Distribution.run(TIMEOUT, List.of(SpirePeers.bin("helm"), "template", "signet",
        chart.toString(), "--set", "agent.trustBundle.configMap="));
    assertThat(template.ok()).as(template.toString()).isFalse();
    assertThat(template.stderr()).contains("agent.trustBundle.configMap or agent.insecureBootstrap must be set");
  }

  private static JsonNode container(JsonNode pod) {
    return pod.path("spec").path("containers").get(0);
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError("no volume mount " + volume + " in " + container);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod);
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode variable : container.path("env")) {
      if (variable.path("name").asText().equals(name)) {
        return variable;
      }
    }
    throw new AssertionError("no environment variable " + name + " in " + container);
  }

  private static PluginBlock plugin(ConfigSection root, String type, String name) {
    return root.plugins().stream().filter(p -> p.type().equals(type) && p.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no plugin " + type + " \"" + name + "\" in " + root.asMap()));
  }

  /** Each rule as "group/resource:verb". */
  private static List<String> rules(JsonNode role) {
    List<String> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            rules.add(group.asText() + "/" + resource.asText() + ":" + verb.asText());
          }
        }
      }
    }
    return rules;
  }

  /** Probes on the health_checks listener's paths and port, Prometheus annotations on the telemetry port. */
  private static void assertProbesAndMetrics(JsonNode pod, ConfigSection config) {
    ConfigSection health = config.section("health_checks");
    JsonNode container = container(pod);
    int healthPort = containerPort(container, "health");
    assertThat(health.getBool("listener_enabled", false)).isTrue();
    assertThat(health.getString("bind_address", "")).isEqualTo("0.0.0.0");
    assertThat(health.getInt("bind_port", 0)).isEqualTo(healthPort);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo(health.getString("live_path", ""));
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo(health.getString("ready_path", ""));
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("health");
    assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("health");
    int metricsPort = config.section("telemetry").section("Prometheus").getInt("port", 0);
    JsonNode annotations = pod.path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(metricsPort));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(containerPort(container, "metrics")).isEqualTo(metricsPort);
  }

  private static int containerPort(JsonNode container, String name) {
    return StreamSupport.stream(container.path("ports").spliterator(), false)
        .filter(p -> p.path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name + " in " + container))
        .path("containerPort").asInt();
  }

  private RenderedChart render(String name, String... setValues) throws IOException {
    List<String> command = new ArrayList<>(List.of(SpirePeers.bin("helm"), "template", "signet", chart.toString(),
        "--namespace", "signet", "--kube-version", KUBERNETES));
    for (String value : setValues) {
      command.add("--set");
      command.add(value);
    }
    CommandResult template = Distribution.run(TIMEOUT, command);
    assertThat(template.ok()).as(template.toString()).isTrue();
    Files.writeString(workspace.path(name + ".yaml"), template.stdout());
    return RenderedChart.parse(template.stdout());
  }

  private void kubeconform(RenderedChart chart, String name) throws IOException {
    Path schemas = SpirePeers.directory("kubernetes-schemas-v" + KUBERNETES);
    // custom resources the chart creates (ClusterSPIFFEID) are checked against the schemas of the chart's own CRDs
    Path crdSchemas = Files.createDirectories(workspace.path(name + "-crd-schemas"));
    for (JsonNode object : chart.objects()) {
      if (object.path("kind").asText().equals("CustomResourceDefinition")) {
        String kind = object.path("spec").path("names").path("kind").asText().toLowerCase(java.util.Locale.ROOT);
        for (JsonNode version : object.path("spec").path("versions")) {
          Files.writeString(crdSchemas.resolve(kind + "_" + version.path("name").asText() + ".json"),
              version.path("schema").path("openAPIV3Schema").toString());
        }
      }
    }
    CommandResult check = Distribution.run(TIMEOUT, List.of(SpirePeers.bin("kubeconform"), "-strict", "-summary",
        "-kubernetes-version", KUBERNETES, "-schema-location", schemas + "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
        "-schema-location", crdSchemas + "/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json",
        workspace.path(name + ".yaml").toString()));
    assertThat(check.ok()).as(check.toString()).isTrue();
    assertThat(check.stdout()).contains("Valid: " + chart.objects().size() + ", Invalid: 0, Errors: 0, Skipped: 0");
  }

  private void validate(String binary, String file, String text, Map<String, String> env, boolean expandEnv) throws IOException {
    Path conf = workspace.path(file);
    Files.writeString(conf, text);
    List<String> command = new ArrayList<>(List.of("env"));
    env.forEach((k, v) -> command.add(k + "=" + v));
    command.addAll(List.of(binary, "validate", "-config", conf.toString()));
    if (expandEnv) {
      command.add("-expandEnv");
    }
    CommandResult validate = Distribution.run(TIMEOUT, command);
    assertThat(validate.ok()).as(validate.toString()).isTrue();
  }
}
