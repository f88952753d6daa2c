package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsCaCertificatesTest {
  @TempDir
  Path dir;

  @Test
  void shipsAwsRsa2048CertificatesForEveryRegionSpireKnows() throws Exception {
    Map<String, X509Certificate> builtIn = AwsCaCertificates.builtIn();
    assertThat(builtIn).hasSize(39).containsKeys("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
        "eu-central-1", "ap-northeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1", "cn-north-1",
        "us-gov-west-1", "eusc-de-east-1");
    for (var entry : builtIn.entrySet()) {
      X509Certificate certificate = entry.getValue();
      // Self-signed by AWS: a transcription error anywhere in the PEM breaks this signature.
      certificate.verify(certificate.getPublicKey());
      assertThat(certificate.getSubjectX500Principal().getName()).as(entry.getKey()).contains("Amazon Web Services LLC");
      assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength()).as(entry.getKey()).isEqualTo(2048);
      certificate.checkValidity(Date.from(Instant.now()));
    }
    assertThat(builtIn.values().stream().map(X509Certificate::getSerialNumber).distinct()).hasSize(39);
  }

  @Test
  void configuredCertificatesReplaceOrAddRegions() throws Exception {
    TestAwsSigner test = TestAwsSigner.create();
    Path pem = Files.writeString(dir.resolve("test.pem"), test.certificatePem());
    AwsCaCertificates certificates = AwsCaCertificates.load(Map.of("us-east-1", pem.toString(), "xx-test-1",
        pem.toString()));
    assertThat(certificates.forRegion("us-east-1")).contains(test.certificate);
    assertThat(certificates.forRegion("xx-test-1")).contains(test.certificate);
    assertThat(certificates.forRegion("us-west-2")).contains(AwsCaCertificates.builtIn().get("us-west-2"));
    assertThat(certificates.forRegion("xx-none-1")).isEmpty();
  }

  @Test
  void anUnreadableOverrideIsAConfigError() throws Exception {
    assertThatThrownBy(() -> AwsCaCertificates.load(Map.of("us-east-1", dir.resolve("missing.pem").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("region \"us-east-1\"");
    Path two = Files.writeString(dir.resolve("two.pem"), TestAwsSigner.create().certificatePem()
        + TestAwsSigner.create().certificatePem());
    assertThatThrownBy(() -> AwsCaCertificates.load(Map.of("us-east-1", two.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("holds 2 certificates");
  }
}
