package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.bundle.PemCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/**
 * The rsa2048 PKCS#7 signature on inputs a test signer does not make: the payloads are from
 * {@code AwsIidFuzzTestInputs/payload/}, signed for the stand-in certificate {@code fuzz/aws-us-east-1.pem}.
 */
class IidSignatureTest {
  private static byte[] resource(String name) throws IOException {
    try (InputStream in = IidSignatureTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static IidSignature signature(String payload) throws IOException {
    JsonNode json = new ObjectMapper().readTree(resource("AwsIidFuzzTestInputs/payload/" + payload));
    return IidSignature.parse(json.get("rsa2048").asText(), json.get("document").asText());
  }

  private static X509Certificate certificate() throws IOException {
    return PemCodec.decodeCertificate(new String(resource("fuzz/aws-us-east-1.pem"), StandardCharsets.US_ASCII));
  }

  @Test
  void theStandInSignatureVerifies() throws IOException {
    signature("valid-encapsulated").verify(certificate(), "us-east-1");
  }

  /**
   * Found by AwsIidFuzzTest: a signer info whose signature algorithm OID BouncyCastle does not know made it throw
   * IllegalArgumentException, which escaped the attestor (an internal error for a malformed payload).
   */
  @Test
  void aSignerInfoNamingAnUnknownAlgorithmIsInvalidArgument() throws IOException {
    IidSignature signature = signature("unknown-signature-algorithm");
    X509Certificate certificate = certificate();

    assertThatThrownBy(() -> signature.verify(certificate, "us-east-1"))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT))
        .hasMessageContaining("unusable algorithm");
  }

  /** Found by AwsIidFuzzTest: BouncyCastle decodes the signer infos lazily and threw IllegalArgumentException. */
  @Test
  void aMalformedSignerInfoIsInvalidArgument() throws IOException {
    IidSignature signature = signature("malformed-signer-info");
    X509Certificate certificate = certificate();

    assertThatThrownBy(() -> signature.verify(certificate, "us-east-1"))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT))
        .hasMessageContaining("malformed signer info");
  }
}
