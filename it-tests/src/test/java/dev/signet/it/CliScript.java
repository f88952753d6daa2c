package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One admin script in SPIRE's CLI verbs (tokens, entries with filters, agents, bundles, federation, local
 * authorities, ban and evict), run with a given CLI against a given server, and the structural comparison of
 * two runs ({@link CliJson}). The interop tests run it with SPIRE's CLI against SPIRE's and Signet's servers,
 * and with SPIRE's and Signet's CLIs against SPIRE's server.
 */
final class CliScript {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RPC_CODE = Pattern.compile("rpc error: code = (\\w+)");
  private static final String NODE = SignetServer.id("/node/cli");
  private static final String SERVED = SignetServer.id("/workload/served");
  private static final String W1 = SignetServer.id("/workload/one");
  private static final String W2 = SignetServer.id("/workload/two");
  private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  /** An admin CLI: its name and how to run it against an admin socket. */
  interface AdminCli {
    String name();

    CommandResult run(Path socket, String... commandAndArgs);
  }

  /** SPIRE's {@code spire-server} CLI. */
  static final AdminCli SPIRE_CLI = new AdminCli() {
    @Override
    public String name() {
      return "spire-server CLI";
    }

    @Override
    public CommandResult run(Path socket, String... commandAndArgs) {
      return SpireServer.cli(socket, commandAndArgs);
    }
  };

  /** Signet's {@code signet-server} CLI. */
  static final AdminCli SIGNET_CLI = new AdminCli() {
    @Override
    public String name() {
      return "signet-server CLI";
    }

    @Override
    public CommandResult run(Path socket, String... commandAndArgs) {
      return Distribution.run(Duration.ofSeconds(60),
          Distribution.cliCommand(List.of(Distribution.get().serverBin()), socket, commandAndArgs));
    }
  };

  private CliScript() {}

  /**
   * Runs the script with {@code cli} against {@code server}, after attesting a real spire-agent to it (so that
   * agent list/show have something to show); returns every step's output (JSON, or the CLI's error as {exit, rpc_code}), keyed by step.
   */
  static Map<String, JsonNode> run(Workspace workspace, AdminServer server, String agentName, Path otherBundle,
      AdminCli cli) {
    Path socket = server.socket();
    Map<String, JsonNode> out = new LinkedHashMap<>();

    // an attested agent, so that agent list/show have something to show
    server.createEntry(NODE, SERVED, "unix:uid:" + Uids.current());
    SpireAgent agent = new SpireAgent(workspace, server, agentName).attestAndStart(NODE);
    agent.awaitServing(SERVED, Duration.ofSeconds(60));
    String agentId = agent.spiffeId();

    record Step(String name, String... args) {}
    List<Step> before = List.of(
        new Step("token generate", "token", "generate", "-spiffeID", SignetServer.id("/node/other"), "-ttl", "600"),
        new Step("entry create", "entry", "create", "-parentID", NODE, "-spiffeID", W1, "-selector", "unix:uid:1000",
            "-selector", "unix:gid:1000", "-selector", "docker:label:app:web", "-dns", "one.example.org",
            "-x509SVIDTTL", "600", "-jwtSVIDTTL", "300", "-hint", "first"),
        new Step("entry create (same again)", "entry", "create", "-parentID", NODE, "-spiffeID", W1, "-selector",
            "unix:uid:1000", "-selector", "unix:gid:1000", "-selector", "docker:label:app:web"),
        new Step("entry show -spiffeID", "entry", "show", "-spiffeID", W1),
        new Step("entry show -selector", "entry", "show", "-selector", "unix:uid:1000"),
        new Step("entry show -selector exact", "entry", "show", "-selector", "unix:uid:1000", "-matchSelectorsOn",
            "exact"),
        new Step("entry show -parentID", "entry", "show", "-parentID", NODE),
        new Step("entry count", "entry", "count"));
    long started = System.nanoTime();
    for (Step step : before) {
      out.put(step.name(), call(cli, socket, step.args()));
    }
    String entryId = out.get("entry create").path("results").path(0).path("entry").path("id").asText();
    assertThat(entryId).as("entry create's id on %s", socket).isNotEmpty();

    List<Step> after = List.of(
        new Step("entry show -entryID", "entry", "show", "-entryID", entryId),
        new Step("entry update", "entry", "update", "-entryID", entryId, "-parentID", NODE, "-spiffeID", W2,
            "-selector", "unix:uid:1001", "-x509SVIDTTL", "700", "-downstream", "-admin"),
        new Step("entry show -downstream", "entry", "show", "-downstream"),
        new Step("entry show -parentID (one downstream)", "entry", "show", "-parentID", NODE),
        new Step("entry show -entryID (updated)", "entry", "show", "-entryID", entryId),
        new Step("entry delete", "entry", "delete", "-entryID", entryId),
        new Step("entry delete (again)", "entry", "delete", "-entryID", entryId),
        new Step("entry show -entryID (deleted)", "entry", "show", "-entryID", entryId),
        new Step("entry update (deleted)", "entry", "update", "-entryID", entryId, "-parentID", NODE, "-spiffeID", W2,
            "-selector", "unix:uid:1001"),
        new Step("agent list", "agent", "list"),
        new Step("agent show", "agent", "show", "-spiffeID", agentId),
        new Step("agent count", "agent", "count"),
        new Step("agent show (unknown)", "agent", "show", "-spiffeID", SignetServer.id("/spire/agent/x/unknown")),
        new Step("bundle show", "bundle", "show"),
        new Step("bundle set", "bundle", "set", "-id", "spiffe://other.org", "-path", otherBundle.toString()),
        new Step("bundle list", "bundle", "list"),
        new Step("bundle list -id", "bundle", "list", "-id", "spiffe://other.org"),
        new Step("bundle count", "bundle", "count"),
        new Step("entry create -federatesWith", "entry", "create", "-parentID", NODE, "-spiffeID", W1, "-selector",
            "unix:uid:2000", "-federatesWith", "spiffe://other.org"),
        new Step("entry show -federatesWith", "entry", "show", "-federatesWith", "spiffe://other.org"),
        new Step("bundle delete (in use)", "bundle", "delete", "-id", "spiffe://other.org"),
        new Step("bundle delete -mode dissociate", "bundle", "delete", "-id", "spiffe://other.org", "-mode",
            "dissociate"),
        new Step("bundle delete (gone)", "bundle", "delete", "-id", "spiffe://other.org"),
        new Step("federation create", "federation", "create", "-trustDomain", "remote.org", "-bundleEndpointURL",
            "https://127.0.0.1:8443", "-bundleEndpointProfile", "https_web"),
        new Step("federation list", "federation", "list"),
        new Step("federation show", "federation", "show", "-trustDomain", "remote.org"),
        new Step("federation delete", "federation", "delete", "-id", "remote.org"),
        new Step("federation delete (gone)", "federation", "delete", "-id", "remote.org"),
        new Step("localauthority x509 show", "localauthority", "x509", "show"),
        new Step("localauthority jwt show", "localauthority", "jwt", "show"),
        new Step("agent ban", "agent", "ban", "-spiffeID", agentId),
        new Step("agent show (banned)", "agent", "show", "-spiffeID", agentId),
        new Step("agent evict", "agent", "evict", "-spiffeID", agentId),
        new Step("agent list (evicted)", "agent", "list"));
    for (Step step : after) {
      out.put(step.name(), call(cli, socket, step.args()));
    }
    int calls = before.size() + after.size();
    System.out.printf("%s against %s: %d calls, %d ms per call on average%n", cli.name(), socket, calls,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / calls);
    return out;
  }

  /**
   * One CLI call with {@code -output json}: its JSON; {exit, rpc_code or the error text} when it failed; or
   * {exit, not_json} when it succeeded without printing JSON (which then differs from any JSON result).
   */
  private static JsonNode call(AdminCli cli, Path socket, String... args) {
    String[] withOutput = java.util.Arrays.copyOf(args, args.length + 2);
    withOutput[args.length] = "-output";
    withOutput[args.length + 1] = "json";
    CommandResult result = cli.run(socket, withOutput);
    if (result.ok()) {
      try {
        return JSON.readTree(result.stdout());
      } catch (IOException e) {
        return JSON.createObjectNode().put("exit", 0).put("not_json", result.stdout().strip());
      }
    }
    ObjectNode failure = JSON.createObjectNode().put("exit", result.exitCode());
    Matcher code = RPC_CODE.matcher(result.output());
    return code.find() ? failure.put("rpc_code", code.group(1)) : failure.put("error", result.output().strip());
  }

  /**
   * Asserts that two runs gave the same steps and the same JSON after {@link CliJson} normalization, and that
   * both join tokens are version-4 UUIDs; the failure lists every difference and both runs in full.
   */
  static void assertSame(String firstName, Map<String, JsonNode> first, String secondName,
      Map<String, JsonNode> second) {
    assertThat(second.keySet()).containsExactlyElementsOf(first.keySet());
    for (Map<String, JsonNode> outputs : List.of(first, second)) {
      assertThat(outputs.get("token generate").path("value").asText()).as("a join token is a version-4 UUID")
          .matches(UUID_V4);
    }
    List<String> differences = new ArrayList<>();
    for (String step : first.keySet()) {
      CliJson.differences(first.get(step), second.get(step)).forEach(d -> differences.add(step + " -> " + d));
    }
    assertThat(differences)
        .as("%s (first) vs %s (second); all outputs:%n%s", firstName, secondName, dump(first, second))
        .isEmpty();
  }

  private static String dump(Map<String, JsonNode> first, Map<String, JsonNode> second) {
    StringBuilder text = new StringBuilder();
    for (String step : first.keySet()) {
      text.append("## ").append(step).append("\n  first : ").append(first.get(step)).append("\n  second: ")
          .append(second.get(step)).append('\n');
    }
    return text.toString();
  }
}
