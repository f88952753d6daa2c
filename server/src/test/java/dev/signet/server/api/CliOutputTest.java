package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.server.cli.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin CLI run in process against a real server: {@code -output json} prints one JSON document
 * with SPIRE's proto field names, the pretty output and {@code -write} work, and every help text shows.
 */
class CliOutputTest extends SharedServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int exitCode, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not one JSON document: " + out, e);
      }
    }
  }

  /** Runs {@code signet-server args… -socketPath <fixture>} capturing stdout and stderr. */
  private synchronized Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-socketPath", fixture.socketPath().toString()));
    return runRaw(all.toArray(String[]::new));
  }

  private static synchronized Run runRaw(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      code = ServerMain.commandLine().execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void entryCreateAndShowPrintJson() {
    Run created = run("entry", "create", "-output", "json", "-spiffeID", "spiffe://example.org/cli/web",
        "-parentID", "spiffe://example.org/spire/agent/join_token/cli", "-selector", "unix:uid:1000",
        "-dns", "web.example.org", "-x509SVIDTTL", "300");
    assertThat(created.exitCode()).as(created.err()).isZero();
    JsonNode result = created.json().get("results").get(0);
    assertThat(result.get("status").get("code").asInt()).isZero();
    JsonNode entry = result.get("entry");
    assertThat(entry.get("spiffe_id").get("path").asText()).isEqualTo("/cli/web");
    assertThat(entry.get("x509_svid_ttl").asInt()).isEqualTo(300);
    String entryId = entry.get("id").asText();

    Run shown = run("entry", "show", "-output", "json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    List<String> ids = StreamSupport.stream(shown.json().get("entries").spliterator(), false)
        .map(e -> e.get("id").asText()).toList();
    assertThat(ids).contains(entryId);

    Run byId = run("entry", "show", "-entryID", entryId, "-output", "json");
    assertThat(byId.exitCode()).as(byId.err()).isZero();
    assertThat(byId.out()).contains(entryId);

    Run pretty = run("entry", "show", "-entryID", entryId);
    assertThat(pretty.exitCode()).as(pretty.err()).isZero();
    assertThat(pretty.out()).contains("Entry ID", entryId, "spiffe://example.org/cli/web", "unix:uid:1000");
  }

  @Test
  void aRefusedEntryPrintsItsStatusInJsonWithExitCodeZeroAndFailsInPrettyOutput() {
    String[] create = {"entry", "create", "-spiffeID", "spiffe://example.org/cli/bad",
        "-parentID", "spiffe://example.org/spire/agent/join_token/cli", "-selector", "unix:uid:1000",
        "-dns", "not a dns name"};
    Run json = run(concat(create, "-output", "json"));
    assertThat(json.exitCode()).as("spire-server exits 0 with the per-item status in the JSON").isZero();
    assertThat(json.json().get("results").get(0).get("status").get("code").asInt()).isEqualTo(3);

    Run pretty = run(create);
    assertThat(pretty.exitCode()).isEqualTo(1);
    assertThat(pretty.err()).contains("InvalidArgument");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void federationRelationshipsAreCreatedShownListedAndDeleted(@TempDir Path dir) throws IOException {
    Path bundle = dir.resolve("partner.pem");
    Files.writeString(bundle, run("bundle", "show").out());
    Run created = run("federation", "create", "-trustDomain", "partner.test", "-bundleEndpointURL",
        "https://partner.test:8443/bundle", "-endpointSpiffeID", "spiffe://partner.test/spire/server",
        "-trustDomainBundlePath", bundle.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("Found 1 federation relationship", "partner.test", "https_spiffe",
        "spiffe://partner.test/spire/server");

    Run noId = run("federation", "create", "-trustDomain", "web.test", "-bundleEndpointURL", "https://web.test/");
    assertThat(noId.exitCode()).isEqualTo(1);
    assertThat(noId.err()).contains("-endpointSpiffeID");
    Run plainHttp = run("federation", "create", "-trustDomain", "web.test", "-bundleEndpointURL", "http://web.test/",
        "-bundleEndpointProfile", "https_web");
    assertThat(plainHttp.exitCode()).isEqualTo(1);
    assertThat(plainHttp.err()).contains("http://web.test/");

    Run shown = run("federation", "show", "-trustDomain", "partner.test", "-output", "json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    JsonNode relationship = shown.json(); // the one relationship, as spire-server prints it
    assertThat(relationship.get("bundle_endpoint_url").asText()).isEqualTo("https://partner.test:8443/bundle");
    assertThat(relationship.get("trust_domain_bundle").get("x509_authorities").size()).isPositive();

    Run listed = run("federation", "list");
    assertThat(listed.out()).contains("partner.test").doesNotContain("web.test");
    assertThat(run("federation", "delete", "-id", "partner.test").exitCode()).isZero();
    Run gone = run("federation", "show", "-trustDomain", "partner.test");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).contains("NotFound");
  }

  @Test
  void agentListPrintsJson() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Run listed = run("agent", "list", "-output", "json");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    List<String> paths = StreamSupport.stream(listed.json().get("agents").spliterator(), false)
        .map(a -> a.get("id").get("path").asText()).toList();
    assertThat(paths).contains(agent.id().path());
  }

  @Test
  void bundleShowPrintsSpiffeFormatPemAndJson() {
    Run spiffe = run("bundle", "show", "-format", "spiffe");
    assertThat(spiffe.exitCode()).as(spiffe.err()).isZero();
    JsonNode jwks = spiffe.json();
    assertThat(jwks.get("keys").size()).isGreaterThanOrEqualTo(1);
    assertThat(jwks.has("spiffe_sequence")).isTrue();

    Run pem = run("bundle", "show");
    assertThat(pem.exitCode()).as(pem.err()).isZero();
    assertThat(PemCodec.decodeCertificates(pem.out())).isNotEmpty();

    Run json = run("bundle", "show", "-output", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.json().get("trust_domain").asText()).isEqualTo("example.org");
    assertThat(json.json().get("x509_authorities").size()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void tokenGeneratePrintsJson() {
    Run token = run("token", "generate", "-ttl", "60", "-output", "json");
    assertThat(token.exitCode()).as(token.err()).isZero();
    assertThat(token.json().get("value").asText()).isNotEmpty();
    assertThat(token.json().get("expires_at").asLong()).isPositive();
  }

  @Test
  void localAuthorityX509ShowPrintsJson() {
    Run shown = run("localauthority", "x509", "show", "-output", "json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.json().get("active").get("authority_id").asText()).isNotEmpty();
  }

  @Test
  void x509MintWritesAVerifiableSvidKeyAndBundle(@TempDir Path dir) throws Exception {
    Run minted = run("x509", "mint", "-spiffeID", "spiffe://example.org/cli/minted", "-write", dir.toString());
    assertThat(minted.exitCode()).as(minted.err()).isZero();
    var chain = PemCodec.decodeCertificates(Files.readString(dir.resolve("svid.pem")));
    var roots = PemCodec.decodeCertificates(Files.readString(dir.resolve("bundle.pem")));
    assertThat(roots).isNotEmpty();
    assertThat(X509SvidValidator.verify(chain, BundleSource.of(fixture.bundle()), fixture.clock.instant()))
        .isEqualTo(SpiffeId.parse("spiffe://example.org/cli/minted"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    Run json = run("x509", "mint", "-spiffeID", "spiffe://example.org/cli/minted", "-output", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.json().get("svid").get("cert_chain").size()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyCommandHasHelpAndEveryOptionADescription() {
    List<String> failures = new ArrayList<>();
    visit(ServerMain.commandLine(), "signet-server", failures);
    assertThat(failures).isEmpty();
    for (String[] args : List.of(new String[] {"entry", "create", "-h"},
        new String[] {"localauthority", "x509", "show", "--help"}, new String[] {"run", "-h"})) {
      Run help = runRaw(args);
      assertThat(help.exitCode()).as(String.join(" ", args) + ": " + help.err()).isZero();
      assertThat(help.out()).contains("Usage:");
    }
  }

  private static void visit(CommandLine command, String path, List<String> failures) {
    if (!command.getUsageMessage().contains("Usage:")) {
      failures.add(path + ": no usage message");
    }
    if (command.getCommandSpec().usageMessage().description().length == 0) {
      failures.add(path + ": no description");
    }
    for (var option : command.getCommandSpec().options()) {
      if (option.description().length == 0 || option.description()[0].isBlank()) {
        failures.add(path + " " + option.longestName() + ": no description");
      }
    }
    command.getSubcommands().forEach((name, sub) -> visit(sub, path + " " + name, failures));
  }
}
