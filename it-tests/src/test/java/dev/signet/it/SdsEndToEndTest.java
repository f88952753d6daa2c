package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Envoy SDS on a real {@code signet-agent}'s Workload API socket, driven by our Go SDS client
 * ({@code tools/peers/sds-client}, built on go-control-plane's envoy module v1.40.0 by {@code tools/go-peers}):
 * it streams {@code default} and {@code ROOTCA} as Envoy would, ACKs every response, and with a 20 s
 * X509-SVID TTL receives the rotated certificate as a pushed second response on the same stream.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SdsEndToEndTest extends OneWorkspaceTest {
  private static final String NODE = SignetServer.id("/node/sds");
  private static final String ENVOY = SignetServer.id("/workload/envoy");
  private static final String OTHER = SignetServer.id("/workload/someone-else");
  private static final ObjectMapper JSON = new ObjectMapper();

  private SignetAgent agent;

  @BeforeAll
  void startServerAndAgent() {
    workspace = new Workspace("sds");
    SignetServer server = new SignetServer(workspace, "20s").start();
    server.createEntryOverGrpc(NODE, ENVOY, "unix:uid:" + Uids.current());
    server.createEntryOverGrpc(NODE, OTHER, "unix:uid:" + (Uids.current() + 4242));
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
  }

  private CommandResult sdsClient(String names, int responses) {
    return Distribution.run(Duration.ofSeconds(150), List.of(SpirePeers.bin("sds-client"),
        "-socket", agent.socket().toString(), "-names", names, "-responses", Integer.toString(responses),
        "-timeout", "120s"));
  }

  @Test
  void theGoClientReceivesDefaultAndRootcaThenTheRotatedCertificateOnTheSameStream() throws Exception {
    CommandResult result = sdsClient("default,ROOTCA", 2).requireOk();
    List<JsonNode> responses = new ArrayList<>();
    for (String line : result.stdout().strip().split("\n")) {
      responses.add(JSON.readTree(line));
    }
    assertThat(responses).hasSize(2);
    JsonNode first = responses.get(0);
    JsonNode second = responses.get(1);
    assertThat(first.path("typeUrl").asText()).isEqualTo(
        "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");
    assertThat(second.path("versionInfo").asText()).isNotEqualTo(first.path("versionInfo").asText());
    assertThat(second.path("nonce").asText()).isNotEqualTo(first.path("nonce").asText());

    JsonNode rootca = resource(first, "ROOTCA").path("validationContext").path("customValidatorConfig");
    assertThat(rootca.path("name").asText()).isEqualTo("envoy.tls.cert_validator.spiffe");
    JsonNode domain = rootca.path("typedConfig").path("trustDomains").get(0);
    assertThat(domain.path("name").asText()).isEqualTo(SignetServer.TRUST_DOMAIN);
    X509Bundle bundle = new X509Bundle(TrustDomain.parse(SignetServer.TRUST_DOMAIN),
        new HashSet<>(certificates(domain.path("trustBundle"))));

    List<X509Certificate> before = chain(first);
    List<X509Certificate> after = chain(second);
    for (List<X509Certificate> chain : List.of(before, after)) {
      X509SvidValidator.verifyChain(chain, bundle); // the SVID verifies against the ROOTCA Envoy received
      assertThat(chain.getFirst().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo(ENVOY));
    }
    assertThat(after.getFirst().getSerialNumber()).as("a rotated certificate was pushed")
        .isNotEqualTo(before.getFirst().getSerialNumber());
    assertThat(after.getFirst().getPublicKey()).as("with a fresh key").isNotEqualTo(before.getFirst().getPublicKey());
    assertThat(resource(second, "default").path("tlsCertificate").path("privateKey").path("inlineString").asText())
        .as("the key was served (the client redacts it when printing)").isEqualTo("[redacted]");
  }

  @Test
  void anotherWorkloadsSpiffeIdIsRefused() {
    CommandResult result = sdsClient("ROOTCA," + OTHER, 1);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("code=InvalidArgument")
        .contains("workload is not authorized for the requested identities").contains(OTHER);
  }

  private static JsonNode resource(JsonNode response, String name) {
    for (JsonNode resource : response.path("resources")) {
      if (resource.path("name").asText().equals(name)) {
        return resource;
      }
    }
    throw new AssertionError("no resource " + name + " in " + response);
  }

  private static List<X509Certificate> chain(JsonNode response) throws Exception {
    return certificates(resource(response, "default").path("tlsCertificate").path("certificateChain"));
  }

  @SuppressWarnings("unchecked")
  private static List<X509Certificate> certificates(JsonNode dataSource) throws Exception {
    byte[] pem = Base64.getDecoder().decode(dataSource.path("inlineBytes").asText());
    return new ArrayList<>((java.util.Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem)));
  }
}
