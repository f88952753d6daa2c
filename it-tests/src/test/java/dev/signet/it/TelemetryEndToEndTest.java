package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code telemetry { Prometheus {} }} on the real daemons: a server and an agent serve {@code /metrics} on their
 * loopback ports; after one attestation, an entry and SVID fetches the counters moved; and every metric the
 * Grafana dashboard ({@code packaging/grafana/signet-dashboard.json}) queries is one they export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TelemetryEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/telemetry");
  private static final String WORKLOAD = SignetServer.id("/workload/telemetry");
  private static final Path DASHBOARD = Path.of(System.getProperty("basedir", "."))
      .resolve("../packaging/grafana/signet-dashboard.json").normalize();
  /** PromQL words that are not metric names. */
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset");

  private final int serverMetricsPort = Workspace.freePort();
  private final int agentMetricsPort = Workspace.freePort();
  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;

  @Override
  public List<Workspace> workspaces() {
    return java.util.Collections.singletonList(workspace);
  }

  private static String telemetry(int port) {
    return Prometheus.telemetryBlock(port);
  }

  @BeforeAll
  void startServerAndAgentAndFetch() {
    workspace = new Workspace("telemetry");
    server = new SignetServer(workspace).withBlocks(telemetry(serverMetricsPort)).start();
    server.createEntry(NODE, WORKLOAD, "unix:uid:" + Uids.current());
    agent = new SignetAgent(workspace, server, "a").withBlocks(telemetry(agentMetricsPort)).attestAndStart(NODE);
    Poll.until("the workload's X509-SVID", Duration.ofSeconds(60), () -> agent.fetchX509(null).ok());
    CommandResult jwt = agent.cli(null, "api", "fetch", "jwt", "-audience", "telemetry-test");
    assertThat(jwt.ok()).as(jwt.stderr()).isTrue();
  }

  @AfterAll
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void serverCountedTheAttestationAndTheSvidsItSigned() throws Exception {
    String metrics = scrape(serverMetricsPort);
    assertThat(sum(metrics, "spire_server_node_attestations_total{attestor=\"join_token\",status=\"OK\"}"))
        .isEqualTo(1);
    assertThat(sum(metrics, "spire_server_rpc_agent_v1_agent_attest_agent_total{status=\"OK\"}")).isEqualTo(1);
    // the server's own SVID, the agent's and the workload's
    assertThat(sum(metrics, "spire_server_server_ca_sign_x509_svid_total")).isGreaterThanOrEqualTo(3);
    assertThat(sum(metrics, "spire_server_server_ca_sign_jwt_svid_total")).isGreaterThanOrEqualTo(1);
    assertThat(sum(metrics, "spire_server_rpc_svid_v1_svid_batch_new_x509svid_total{status=\"OK\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics).contains("spire_server_started{trust_domain_id=\"" + SignetServer.TRUST_DOMAIN + "\"");
  }

  @Test
  void agentCountedTheFetchesBySyncsAndItsAttestation() throws Exception {
    String metrics = scrape(agentMetricsPort);
    // a CLI fetch closes its stream after the first answer: the call ends Canceled on the agent's side
    assertThat(sum(metrics, "spire_agent_rpc_workload_api_fetch_x509svid_total")).isGreaterThanOrEqualTo(1);
    assertThat(sum(metrics, "spire_agent_rpc_workload_api_fetch_jwtsvid_total{status=\"OK\"}")).isEqualTo(1);
    assertThat(sum(metrics, "spire_agent_workload_api_workload_attestation_total{status=\"OK\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(sum(metrics, "spire_agent_node_attestor_new_svid_total{status=\"OK\"}")).isEqualTo(1);
    assertThat(sum(metrics, "spire_agent_manager_sync_fetch_entries_updates_total{status=\"OK\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(sum(metrics, "spire_agent_lru_cache_svid_map_size")).isGreaterThanOrEqualTo(1);
    assertThat(sum(metrics, "spire_agent_workload_api_connection_total")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    Set<String> exported = new TreeSet<>();
    exported.addAll(sampleNames(scrape(serverMetricsPort)));
    exported.addAll(sampleNames(scrape(agentMetricsPort)));

    Set<String> queried = dashboardMetricNames(new ObjectMapper().readTree(Files.readString(DASHBOARD)));

    assertThat(queried).as("metric names queried by %s", DASHBOARD).hasSizeGreaterThan(20);
    assertThat(queried).allSatisfy(name -> assertThat(exported).as("exported metric names").contains(name));
  }

  @Test
  void theDashboardParserFindsNamesAndSkipsPromqlWords() {
    assertThat(metricNames("sum by (attestor, status) (rate(spire_server_node_attestations_total{a=\"b\"}[5m]))"
        + " / on (x) group_left max(other_metric) - time() > bool 0"))
        .containsExactlyInAnyOrder("spire_server_node_attestations_total", "other_metric");
  }

  /** The metric names in every {@code targets[].expr} of every panel (rows' nested panels included). */
  static Set<String> dashboardMetricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
    for (int i = 0; i < panels.size(); i++) {
      panels.get(i).path("panels").forEach(panels::add);
      panels.get(i).path("targets").forEach(target -> names.addAll(metricNames(target.path("expr").asText())));
    }
    return names;
  }

  /** The metric names of one PromQL expression: identifiers that are neither functions, labels nor keywords. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = Pattern.compile("(?<![a-zA-Z0-9_:])[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\s*\\()(?![a-zA-Z0-9_:])").matcher(bare);
    while (identifier.find()) {
      if (!PROMQL_WORDS.contains(identifier.group())) {
        names.add(identifier.group());
      }
    }
    return names;
  }

  /** The sample names of a text exposition ({@code name{labels} value} and {@code name value} lines). */
  private static Set<String> sampleNames(String exposition) {
    return exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
  }

  private static double sum(String exposition, String series) {
    return Prometheus.sum(exposition, series);
  }

  private static String scrape(int port) {
    return Prometheus.scrape(port);
  }
}
