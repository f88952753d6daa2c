package dev.signet.server.federation.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.testing.TestCertificate;
import dev.signet.common.tls.SvidKeyManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcmeStoreTest {
  @TempDir
  Path dataDir;

  @Test
  void theAccountKeyIsMadeOnceAndKeptOwnerOnly() throws Exception {
    AcmeStore store = AcmeStore.in(dataDir);
    KeyPair first = store.accountKey();
    KeyPair again = AcmeStore.in(dataDir).accountKey();
    assertThat(again.getPublic()).isEqualTo(first.getPublic());
    assertThat(again.getPrivate().getEncoded()).isEqualTo(first.getPrivate().getEncoded());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("bundle-acme"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dataDir.resolve("bundle-acme/account.key")))).isEqualTo("rw-------");
  }

  @Test
  void aStoredCertificateComesBackOnlyWithItsOwnKey() throws Exception {
    AcmeStore store = AcmeStore.in(dataDir);
    assertThat(store.certificate("bundle.example.org")).isEmpty();
    TestCertificate.Issued issued = TestCertificate.ca("example.org").issue();
    SvidKeyManager.KeyMaterial material = new SvidKeyManager.KeyMaterial(issued.keyPair().getPrivate(),
        List.of(issued.certificate()));
    store.saveCertificate("bundle.example.org", material);
    assertThat(store.certificate("bundle.example.org")).hasValueSatisfying(loaded -> {
      assertThat(loaded.chain()).isEqualTo(material.chain());
      assertThat(loaded.privateKey().getEncoded()).isEqualTo(material.privateKey().getEncoded());
    });
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dataDir.resolve("bundle-acme/bundle.example.org.key")))).isEqualTo("rw-------");

    // a crash between the two writes: a new key beside the old certificate is never served
    TestCertificate.Issued other = TestCertificate.ca("example.org").issue();
    Files.writeString(dataDir.resolve("bundle-acme/bundle.example.org.key"),
        dev.signet.common.bundle.PemCodec.encodePrivateKey(other.keyPair().getPrivate()));
    assertThat(store.certificate("bundle.example.org")).isEmpty();
  }

  @Test
  void renewalIsDueAfterTwoThirdsOfTheLifetime() {
    var issued = TestCertificate.ca("example.org")
        .validity(TestCertificate.NOW, TestCertificate.NOW.plus(java.time.Duration.ofDays(90))).issue();
    assertThat(AcmeCertificates.renewalTime(issued.certificate()))
        .isEqualTo(TestCertificate.NOW.plus(java.time.Duration.ofDays(60)));
  }
}
