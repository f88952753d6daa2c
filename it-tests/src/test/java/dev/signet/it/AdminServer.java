package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SPIRE-compatible server process ({@code signet-server} or a real {@code spire-server}) as an agent and an
 * operator see it: an agent port on 127.0.0.1 and an admin socket driven through the server's CLI. The CLIs
 * share SPIRE's verbs, flags and outputs, so what is built on {@link #admin} here works against either.
 */
public abstract class AdminServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  protected final Workspace workspace;
  private final Path bootstrapBundle;

  protected AdminServer(Workspace workspace, String bootstrapBundleFile) {
    this.workspace = workspace;
    this.bootstrapBundle = workspace.path(bootstrapBundleFile);
  }

  /** The port agents attest and sync on. */
  public abstract int port();

  /** The admin API's Unix socket. */
  public abstract Path socket();

  /** The trust domain the server serves (agents attest into it). */
  public abstract String trustDomain();

  /** The SPIFFE ID with this path in the server's trust domain. */
  public String spiffeId(String path) {
    return "spiffe://" + trustDomain() + path;
  }

  /** Runs {@code <server cli> <command...> -socketPath S <args...>}. */
  public abstract CommandResult admin(String... commandAndArgs);

  /** {@code token generate -spiffeID}: returns the join token. */
  public String generateToken(String nodeSpiffeId) {
    String out = admin("token", "generate", "-spiffeID", nodeSpiffeId).requireOk().stdout().strip();
    if (!out.startsWith("Token: ")) {
      throw new AssertionError("unexpected token generate output: " + out);
    }
    return out.substring("Token: ".length()).strip();
  }

  /** {@code entry create} with more flags if given (e.g. {@code -federatesWith}): returns the new entry's id. */
  public String createEntry(String parentId, String spiffeId, String selector, String... moreFlags) {
    List<String> command = new ArrayList<>(List.of("entry", "create", "-parentID", parentId, "-spiffeID", spiffeId,
        "-selector", selector, "-output", "json"));
    command.addAll(List.of(moreFlags));
    JsonNode result = json(admin(command.toArray(String[]::new)).requireOk()).path("results").path(0);
    if (result.path("status").path("code").asInt(-1) != 0) {
      throw new AssertionError("entry create failed: " + result);
    }
    return result.path("entry").path("id").asText();
  }

  /** {@code bundle show} written to a file, for an agent's trust bundle. */
  public Path writeBootstrapBundle() {
    try {
      Files.writeString(bootstrapBundle, admin("bundle", "show").requireOk().stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bootstrapBundle;
  }

  /** The file {@link #writeBootstrapBundle()} writes. */
  public Path bootstrapBundleFile() {
    return bootstrapBundle;
  }

  /** The SPIFFE IDs of {@code agent list -output json}. */
  public List<String> agentIds() {
    List<String> ids = new ArrayList<>();
    for (JsonNode agent : json(admin("agent", "list", "-output", "json").requireOk()).path("agents")) {
      ids.add("spiffe://" + agent.path("id").path("trust_domain").asText() + agent.path("id").path("path").asText());
    }
    return ids;
  }

  public static JsonNode json(CommandResult result) {
    try {
      return JSON.readTree(result.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result, e);
    }
  }
}
