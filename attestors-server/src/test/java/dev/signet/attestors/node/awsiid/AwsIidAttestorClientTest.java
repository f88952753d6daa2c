package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationException.Kind;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent half against a local IMDS, and both halves together with the SDK against a local EC2/IAM. */
class AwsIidAttestorClientTest {
  private static final String INSTANCE = "i-0123456789abcdef0";
  private static TestAwsSigner aws;
  private String document;
  private String rsa2048;
  private FakeImds imds;

  @TempDir
  Path dir;

  @BeforeAll
  static void key() {
    aws = TestAwsSigner.create();
  }

  @BeforeEach
  void setUp() throws Exception {
    document = TestAwsSigner.document("123456789012", "us-east-1", INSTANCE);
    rsa2048 = aws.sign(document);
    imds = new FakeImds(document, aws.legacySignature(document), rsa2048);
  }

  @AfterEach
  void tearDown() {
    imds.close();
  }

  @Test
  void sendsTheImdsResponsesVerbatimInSpiresPayload() throws Exception {
    byte[] payload = client(imds.endpoint().toString()).payload();

    JsonNode json = new ObjectMapper().readTree(payload);
    assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("document", "signature",
        "rsa2048");
    assertThat(json.get("document").asText()).isEqualTo(document);
    assertThat(json.get("signature").asText()).isEqualTo(aws.legacySignature(document));
    assertThat(json.get("rsa2048").asText()).isEqualTo(rsa2048);
    assertThat(IidSignature.parse(json.get("rsa2048").asText(), document).content()).asString().isEqualTo(document);
    assertThat(imds.unauthorizedRequests()).isZero();
  }

  @Test
  void theLocalImdsInsistsOnASessionToken() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(imds.endpoint() + FakeImds.DOCUMENT_PATH)).header(Imds.TOKEN_HEADER, "forged").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(imds.endpoint() + FakeImds.DOCUMENT_PATH)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).isEqualTo(401);
    assertThat(imds.unauthorizedRequests()).isEqualTo(2);
  }

  @Test
  void fallsBackToImdsV1WhenTokensAreNotOffered() {
    imds.tokensUnsupported();
    assertThat(client(imds.endpoint() + "/").payload()).isNotEmpty();
  }

  @Test
  void aMissingLegacySignatureIsSentEmptyButAMissingRsa2048SignatureFails() throws Exception {
    imds.serve(document, null, aws.sign(document));
    assertThat(new ObjectMapper().readTree(client(imds.endpoint().toString()).payload()).get("signature").asText())
        .isEmpty();
    imds.serve(document, "sig", null);
    assertThatThrownBy(() -> client(imds.endpoint().toString()).payload())
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.getMessage()).startsWith("aws_iid: ").contains("404").contains("rsa2048");
        });
  }

  @Test
  void anUnreachableImdsIsUnavailable() {
    String endpoint = imds.endpoint().toString();
    imds.close();
    assertThatThrownBy(() -> client(endpoint).payload())
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void configurationIsChecked() {
    assertThat(AwsIidAttestorClient.create(ConfigSection.of("plugin_data", Map.of())).name()).isEqualTo("aws_iid");
    assertThatThrownBy(() -> AwsIidAttestorClient.create(ConfigSection.of("plugin_data",
        Map.of("identity_document_url", "x")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("identity_document_url");
    assertThatThrownBy(() -> client("file:///etc/passwd")).isInstanceOf(ConfigException.class);
  }

  @Test
  void bothHalvesAttestThroughTheSdkAgainstLocalEc2AndIam() throws Exception {
    Path pem = Files.writeString(dir.resolve("aws.pem"), aws.certificatePem());
    try (FakeAwsApi api = new FakeAwsApi()) {
      api.add(FakeAwsApi.Instance.running(INSTANCE, Map.of("Name", "web-1"))
          .withInstanceProfile("arn:aws:iam::123456789012:instance-profile/web"));
      api.addInstanceProfile("web", "arn:aws:iam::123456789012:role/web-role");
      AwsIidNodeAttestor server = AwsIidNodeAttestor.create(ConfigSection.of("plugin_data", Map.of(
          "access_key_id", "AKIDEXAMPLE", "secret_access_key", "secret",
          "ec2_endpoint", api.endpoint().toString(), "iam_endpoint", api.endpoint().toString(),
          "aws_ca_certificate_paths", Map.of("us-east-1", pem.toString()))));

      AttestResult result = server.attest(TrustDomain.parse("example.org"), client(imds.endpoint().toString()).payload(),
          challenge -> {
            throw new AssertionError();
          });

      assertThat(result.agentId()).hasToString("spiffe://example.org/spire/agent/aws_iid/123456789012/us-east-1/"
          + INSTANCE);
      assertThat(result.selectors()).extracting(Selector::value).contains("tag:Name:web-1", "sg:id:sg-0a1b2c3d",
          "iamrole:arn:aws:iam::123456789012:role/web-role", "az:us-east-1a");
    }
  }

  private static AwsIidAttestorClient client(String endpoint) {
    return AwsIidAttestorClient.create(ConfigSection.of("plugin_data", Map.of("ec2_metadata_endpoint", endpoint)));
  }
}
