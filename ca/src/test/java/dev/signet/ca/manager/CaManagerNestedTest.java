package dev.signet.ca.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.CaException;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.ca.upstream.UpstreamSigned;
import dev.signet.ca.x509.X509CaMinter;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The CA manager under an upstream that is another server of the trust domain (SPIRE's nested topology),
 * driven by a hand-written upstream: its bundle changes reach ours, our JWT keys go to it, and a downstream's
 * JWT key published to us joins our bundle.
 */
class CaManagerNestedTest {
  static final TrustDomain TD = TrustDomain.parse("example.org");

  final ManualClock clock = new ManualClock(TestCertificate.NOW);
  final InMemoryBundleStore bundles = new InMemoryBundleStore(TD);
  final FakeUpstream upstream = new FakeUpstream(TestCertificate.ca("example.org").issue());

  /** Signs with a root of its own, records the JWT keys published to it and answers with all of them. */
  static final class FakeUpstream implements UpstreamAuthority {
    final TestCertificate.Issued root;
    final List<JwtAuthority> keys = new ArrayList<>();
    Consumer<Bundle> listener;

    FakeUpstream(TestCertificate.Issued root) {
      this.root = root;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public UpstreamSigned mintX509Ca(KeyPair keyPair, TrustDomain trustDomain, String subject, Duration ttl,
        Instant now) {
      X509Certificate ca = X509CaMinter.signedBy(keyPair.getPublic(), trustDomain, subject, ttl, now,
          root.certificate(), root.keyPair().getPrivate());
      return new UpstreamSigned(ca, List.of(), List.of(root.certificate()));
    }

    @Override
    public void watchBundle(Consumer<Bundle> listener) {
      this.listener = listener;
    }

    @Override
    public Optional<List<JwtAuthority>> publishJwtAuthority(JwtAuthority authority) {
      keys.removeIf(k -> k.keyId().equals(authority.keyId()));
      keys.add(authority);
      return Optional.of(List.copyOf(keys));
    }
  }

  CaManager manager() {
    return new CaManager(new CaConfig(TD, null, KeyType.EC_P256, null, Duration.ofHours(24)), new MemoryKeyManager(),
        upstream, new InMemoryJournalStore(), bundles, clock);
  }

  @Test
  void ourJwtKeysArePublishedUpstreamAndTheUpstreamKeysJoinOurBundle() {
    JwtAuthority upstreamKey = JwtAuthority.of("upstream-key", KeyType.EC_P256.generate().getPublic());
    upstream.keys.add(upstreamKey);
    CaManager ca = manager();
    ca.rotate();

    String ours = ca.currentJwtAuthority().keyId();
    assertThat(upstream.keys).extracting(JwtAuthority::keyId).contains(ours);
    assertThat(bundles.current().findJwtAuthority("upstream-key")).contains(upstreamKey);
    assertThat(bundles.current().x509Certificates()).containsExactly(upstream.root.certificate());
  }

  @Test
  void anUpstreamRootRotationReachesOurBundleOnceAndAnUnchangedBundleMovesNothing() {
    CaManager ca = manager();
    ca.rotate();
    List<Bundle> seen = new ArrayList<>();
    ca.addBundleListener(seen::add);
    TestCertificate.Issued newRoot = TestCertificate.ca("example.org").issue();
    Bundle upstreamBundle = Bundle.ofX509(TD, List.of(upstream.root.certificate(), newRoot.certificate()));

    upstream.listener.accept(upstreamBundle);
    long sequence = bundles.current().sequenceNumber();
    upstream.listener.accept(upstreamBundle);

    assertThat(bundles.current().x509Certificates()).containsExactlyInAnyOrder(upstream.root.certificate(),
        newRoot.certificate());
    assertThat(bundles.current().sequenceNumber()).isEqualTo(sequence);
    assertThat(seen).hasSize(1);
  }

  @Test
  void anUpstreamKeyReusingOneOfOurKeyIdsForAnotherKeyIsNotTaken() {
    CaManager ca = manager();
    ca.rotate();
    JwtAuthority ours = bundles.current().findJwtAuthority(ca.currentJwtAuthority().keyId()).orElseThrow();
    JwtAuthority impostor = JwtAuthority.of(ours.keyId(), KeyType.EC_P256.generate().getPublic());

    upstream.listener.accept(new Bundle(TD, List.of(), List.of(impostor), 7, Duration.ZERO));

    assertThat(bundles.current().findJwtAuthority(ours.keyId())).contains(ours);
  }

  @Test
  void anUpstreamBundleOfAnotherTrustDomainIsRefused() {
    CaManager ca = manager();
    ca.rotate();
    Bundle before = bundles.current();
    Bundle foreign = Bundle.ofX509(TrustDomain.parse("other.org"),
        List.of(TestCertificate.ca("other.org").issue().certificate()));

    assertThatThrownBy(() -> upstream.listener.accept(foreign)).isInstanceOf(CaException.class)
        .hasMessageContaining("other.org");
    assertThat(bundles.current()).isEqualTo(before);
  }

  @Test
  void aDownstreamKeyPublishedToUsGoesUpstreamAndJoinsOurBundle() {
    CaManager ca = manager();
    ca.rotate();
    JwtAuthority downstreamKey = JwtAuthority.of("downstream-key", KeyType.EC_P256.generate().getPublic());

    List<JwtAuthority> answer = ca.publishJwtAuthority(downstreamKey);

    assertThat(answer).contains(downstreamKey).containsExactlyInAnyOrderElementsOf(upstream.keys);
    assertThat(bundles.current().findJwtAuthority("downstream-key")).contains(downstreamKey);
  }

  @Test
  void aDownstreamCaIsSignedByTheActiveAuthorityWithThePreferredTtl() throws Exception {
    CaManager ca = manager();
    ca.rotate();
    KeyPair key = KeyType.EC_P256.generate();

    List<X509Certificate> chain = ca.signDownstreamX509Ca(key.getPublic(), Duration.ofHours(1));

    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(ca.currentX509Authority().certificate());
    chain.getFirst().verify(ca.currentX509Authority().publicKey());
    assertThat(chain.getFirst().getSubjectX500Principal().getName()).contains("OU=DOWNSTREAM-1");
    assertThat(chain.getFirst().getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThatThrownBy(() -> ca.signDownstreamX509Ca(key.getPublic(), Duration.ofSeconds(-1)))
        .isInstanceOf(CaException.class);
  }
}
