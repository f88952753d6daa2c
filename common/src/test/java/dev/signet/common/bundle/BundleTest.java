package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private final X509Certificate root1 = TestCertificate.ca("example.org").issue().certificate();
  private final X509Certificate root2 = TestCertificate.ca("example.org").issue().certificate();
  private final PublicKey key1 = KeyType.EC_P256.generate().getPublic();
  private final PublicKey key2 = KeyType.EC_P256.generate().getPublic();

  @Test
  void everyChangeBumpsTheSequenceAndNoOpsDoNot() {
    Bundle empty = Bundle.empty(TD);
    Bundle one = empty.withX509Authority(root1);
    assertThat(one.sequenceNumber()).isEqualTo(1);
    assertThat(one.withX509Authority(root1)).isSameAs(one);
    Bundle two = one.withJwtAuthority(JwtAuthority.of("k1", key1));
    assertThat(two.sequenceNumber()).isEqualTo(2);
    assertThat(two.withJwtAuthority(JwtAuthority.of("k1", key1))).isSameAs(two);
    assertThat(two.withoutX509Authority(root2)).isSameAs(two);
    assertThat(two.withoutJwtAuthority("absent")).isSameAs(two);
    assertThat(two.withRefreshHint(Duration.ZERO)).isSameAs(two);
    assertThat(two.withRefreshHint(Duration.ofMinutes(5)).sequenceNumber()).isEqualTo(3);
    assertThat(empty.sequenceNumber()).isZero();
  }

  @Test
  void addsFindsAndRemovesAuthorities() {
    Bundle bundle = Bundle.ofX509(TD, List.of(root1)).withX509Authority(root2)
        .withJwtAuthority(JwtAuthority.of("k1", key1)).withJwtAuthority(JwtAuthority.of("k2", key2));
    assertThat(bundle.x509Certificates()).containsExactly(root1, root2);
    assertThat(bundle.findJwtAuthority("k2")).map(JwtAuthority::publicKey).contains(key2);
    assertThat(bundle.findJwtAuthority("k3")).isEmpty();
    Bundle smaller = bundle.withoutX509Authority(root1).withoutJwtAuthority("k1");
    assertThat(smaller.x509Certificates()).containsExactly(root2);
    assertThat(smaller.jwtAuthorities()).extracting(JwtAuthority::keyId).containsExactly("k2");
    assertThat(smaller.sequenceNumber()).isEqualTo(bundle.sequenceNumber() + 2);
    assertThat(bundle.x509Certificates()).hasSize(2); // the original is untouched
  }

  @Test
  void taintingKeepsTheAuthorityTrustedButMarked() {
    Bundle bundle = Bundle.ofX509(TD, List.of(root1, root2)).withJwtAuthority(JwtAuthority.of("k1", key1));
    Bundle tainted = bundle.withX509AuthorityTainted(root1).withJwtAuthorityTainted("k1");
    assertThat(tainted.findX509Authority(root1)).map(X509Authority::tainted).contains(true);
    assertThat(tainted.findX509Authority(root2)).map(X509Authority::tainted).contains(false);
    assertThat(tainted.findJwtAuthority("k1")).map(JwtAuthority::tainted).contains(true);
    assertThat(tainted.x509Certificates()).containsExactly(root1, root2);
    assertThat(tainted.withX509AuthorityTainted(root1)).isSameAs(tainted);
    assertThatThrownBy(() -> bundle.withJwtAuthorityTainted("nope")).hasMessageContaining("\"nope\"");
    assertThatThrownBy(() -> Bundle.empty(TD).withX509AuthorityTainted(root1))
        .hasMessageContaining("has no x509 authority");
  }

  @Test
  void theUntaintedViewDropsTaintedAuthoritiesWithoutANewVersion() {
    Bundle bundle = Bundle.ofX509(TD, List.of(root1, root2)).withJwtAuthority(JwtAuthority.of("k1", key1))
        .withJwtAuthority(JwtAuthority.of("k2", key2));
    assertThat(bundle.withoutTaintedAuthorities()).isSameAs(bundle);
    Bundle tainted = bundle.withX509AuthorityTainted(root1).withJwtAuthorityTainted("k1");

    Bundle view = tainted.withoutTaintedAuthorities();

    assertThat(view.x509Certificates()).containsExactly(root2);
    assertThat(view.jwtAuthorities()).extracting(JwtAuthority::keyId).containsExactly("k2");
    assertThat(view.sequenceNumber()).isEqualTo(tainted.sequenceNumber());
    assertThat(tainted.x509Certificates()).containsExactly(root1, root2); // the bundle itself is untouched
  }

  @Test
  void refusesADifferentKeyUnderAnExistingKeyId() {
    Bundle bundle = Bundle.empty(TD).withJwtAuthority(JwtAuthority.of("k1", key1));
    assertThatThrownBy(() -> bundle.withJwtAuthority(JwtAuthority.of("k1", key2)))
        .hasMessage("bundle for \"example.org\" already has a different key with id \"k1\"");
    Instant expiry = Instant.parse("2031-01-01T00:00:00Z");
    assertThat(bundle.withJwtAuthority(new JwtAuthority("k1", key1, expiry, false)).findJwtAuthority("k1"))
        .map(JwtAuthority::expiresAt).contains(expiry);
  }

  @Test
  void constructorRejectsDuplicatesAndNegativeValues() {
    assertThatThrownBy(() -> Bundle.ofX509(TD, List.of(root1, root1))).hasMessageContaining("twice");
    assertThatThrownBy(() -> new Bundle(TD, List.of(),
        List.of(JwtAuthority.of("k", key1), JwtAuthority.of("k", key2)), 0, null))
        .hasMessageContaining("jwt key id \"k\" twice");
    assertThatThrownBy(() -> new Bundle(TD, List.of(), List.of(), -1, null)).hasMessageContaining("-1");
    assertThatThrownBy(() -> new Bundle(TD, List.of(), List.of(), 0, Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> JwtAuthority.of("", key1)).hasMessageContaining("key id is missing");
    assertThat(new Bundle(TD, List.of(), List.of(), 0, null).refreshHint()).isZero();
  }

  @Test
  void prunesExpiredAuthorities() {
    Instant now = TestCertificate.NOW;
    X509Certificate expired = TestCertificate.ca("example.org")
        .validity(now.minusSeconds(7200), now.minusSeconds(60)).issue().certificate();
    Bundle bundle = Bundle.ofX509(TD, List.of(root1, expired))
        .withJwtAuthority(new JwtAuthority("old", key1, now.minusSeconds(1), false))
        .withJwtAuthority(new JwtAuthority("new", key2, now.plusSeconds(60), false))
        .withJwtAuthority(JwtAuthority.of("forever", KeyType.EC_P256.generate().getPublic()));
    Bundle pruned = bundle.withoutAuthoritiesExpiredBefore(now);
    assertThat(pruned.x509Certificates()).containsExactly(root1);
    assertThat(pruned.jwtAuthorities()).extracting(JwtAuthority::keyId).containsExactly("new", "forever");
    assertThat(pruned.withoutAuthoritiesExpiredBefore(now)).isSameAs(pruned);
    assertThat(new JwtAuthority("x", key1, now, false).isExpired(now)).isTrue();
    assertThat(JwtAuthority.of("x", key1).isExpired(now)).isFalse();
  }
}
