package dev.signet.ca.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.CaException;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.ca.manager.CaConfig;
import dev.signet.ca.manager.CaManager;
import dev.signet.ca.manager.InMemoryBundleStore;
import dev.signet.ca.manager.InMemoryJournalStore;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.ca.x509.X509SvidMinter;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskUpstreamAuthorityTest {
  static final TrustDomain TD = TrustDomain.parse("example.org");
  static final SpiffeId ID = SpiffeId.parse("spiffe://example.org/workload");
  @TempDir Path dir;
  final ManualClock clock = new ManualClock(TestCertificate.NOW);
  final InMemoryBundleStore bundles = new InMemoryBundleStore(TD);

  @Test
  void anIntermediateUnderAnUpstreamRootChainsToTheRoot() throws Exception {
    TestCertificate.Issued root = TestCertificate.ca("upstream.test").issue();
    CaManager ca = manager(write(root, List.of(), null));
    ca.rotate();

    X509SigningAuthority authority = ca.currentX509Authority();
    assertThat(authority.isSelfSigned()).isFalse();
    assertThat(authority.upstreamChain()).isEmpty();
    assertThat(authority.chainWithoutRoot()).containsExactly(authority.certificate());
    assertThat(authority.notAfter()).isEqualTo(root.certificate().getNotAfter().toInstant());
    assertThat(authority.certificate().getIssuerX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
    assertThat(bundles.current().x509Certificates()).containsExactly(root.certificate());

    List<X509Certificate> chain = svidChain(authority);
    assertThat(X509SvidValidator.verify(chain, BundleSource.of(bundles.current()), clock.instant())).isEqualTo(ID);
  }

  @Test
  void upstreamIntermediatesAreSentAndRootsComeFromTheBundleFile() throws Exception {
    TestCertificate.Issued root = TestCertificate.ca("upstream.test").issue();
    TestCertificate.Issued intermediate = TestCertificate.ca("upstream.test").subject("O=upstream,CN=intermediate")
        .issuer(root).issue();
    CaManager ca = manager(write(intermediate, List.of(root.certificate()), root.certificate()));
    ca.rotate();

    X509SigningAuthority authority = ca.currentX509Authority();
    assertThat(authority.upstreamChain()).containsExactly(intermediate.certificate());
    assertThat(authority.chainWithoutRoot()).containsExactly(authority.certificate(), intermediate.certificate());
    assertThat(bundles.current().x509Certificates()).containsExactly(root.certificate());
    assertThat(X509SvidValidator.verify(svidChain(authority), BundleSource.of(bundles.current()), clock.instant()))
        .isEqualTo(ID);
  }

  @Test
  void localTaintIsRefusedUnderAnUpstreamAuthority() throws Exception {
    CaManager ca = manager(write(TestCertificate.ca("upstream.test").issue(), List.of(), null));
    ca.rotate();
    String first = ca.currentX509Authority().authorityId();
    ca.activateX509Authority(ca.prepareX509Authority().authorityId());
    assertThatThrownBy(() -> ca.taintX509Authority(first)).isInstanceOfSatisfying(CaException.class,
        e -> assertThat(e.kind()).isEqualTo(CaException.Kind.FAILED_PRECONDITION)).hasMessageContaining("disk");
  }

  @Test
  void misconfigurationsAreRefused() throws Exception {
    TestCertificate.Issued root = TestCertificate.ca("upstream.test").issue();
    TestCertificate.Issued intermediate = TestCertificate.ca("upstream.test").subject("O=upstream,CN=i")
        .issuer(root).issue();
    Path[] noBundle = write(intermediate, List.of(), null);
    assertThatThrownBy(() -> new DiskUpstreamAuthority(noBundle[0], noBundle[1], null))
        .hasMessageContaining("bundle_file_path is required");
    Path wrongKey = dir.resolve("wrong.pem");
    Files.writeString(wrongKey, PemCodec.encodePrivateKey(KeyType.EC_P256.generate().getPrivate()));
    assertThatThrownBy(() -> new DiskUpstreamAuthority(noBundle[0], wrongKey, null)).isInstanceOf(CaException.class);
    Path[] notCa = write(TestCertificate.leaf("spiffe://upstream.test/x", root).issue(), List.of(), root.certificate());
    assertThatThrownBy(() -> new DiskUpstreamAuthority(notCa[0], notCa[1], notCa[2])).hasMessageContaining("not a CA");
  }

  private List<X509Certificate> svidChain(X509SigningAuthority authority) {
    X509Certificate leaf = X509SvidMinter.mint(authority, KeyType.EC_P256.generate().getPublic(), ID, List.of(),
        Duration.ofMinutes(30), clock.instant());
    CredentialValidator.validateX509Svid(leaf, authority, ID);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(authority.chainWithoutRoot());
    return chain;
  }

  private CaManager manager(Path[] files) {
    return new CaManager(CaConfig.defaults(TD), new MemoryKeyManager(),
        new DiskUpstreamAuthority(files[0], files[1], files[2]), new InMemoryJournalStore(), bundles, clock);
  }

  private Path[] write(TestCertificate.Issued upstream, List<X509Certificate> rest, X509Certificate bundleRoot)
      throws Exception {
    Path cert = Files.createTempFile(dir, "cert", ".pem");
    Path key = Files.createTempFile(dir, "key", ".pem");
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(upstream.certificate());
    chain.addAll(rest);
    Files.writeString(cert, PemCodec.encodeCertificates(chain));
    Files.writeString(key, PemCodec.encodePrivateKey(upstream.keyPair().getPrivate()));
    Path bundle = null;
    if (bundleRoot != null) {
      bundle = Files.createTempFile(dir, "bundle", ".pem");
      Files.writeString(bundle, PemCodec.encodeCertificate(bundleRoot));
    }
    return new Path[] {cert, key, bundle};
  }
}
