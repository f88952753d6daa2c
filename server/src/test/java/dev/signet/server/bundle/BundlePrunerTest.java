package dev.signet.server.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BundlePrunerTest {
  private static final TrustDomain TD = TrustDomain.parse("downstream.org");
  private static final Instant NOW = TestCertificate.NOW;

  private final SqlDataStore store = SqlDataStore.open(SqlConfig.inMemory("prune-" + UUID.randomUUID()), null,
      Clock.systemUTC());
  private final TrustBundles bundles = new TrustBundles(store, TD);
  private final BundlePruner pruner = new BundlePruner(bundles, Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void close() {
    store.close();
  }

  private static X509Certificate root(String name, Instant notAfter) {
    return TestCertificate.ca(name).validity(notAfter.minus(Duration.ofDays(30)), notAfter).issue().certificate();
  }

  @Test
  void anUpstreamRootExpiredMoreThanADayAgoIsDroppedAndTheChangeIsANewBundleVersion() {
    X509Certificate oldUpstream = root("upstream.org", NOW.minus(Duration.ofHours(25)));
    X509Certificate graceUpstream = root("upstream.org", NOW.minus(Duration.ofHours(23)));
    X509Certificate current = root("upstream.org", NOW.plus(Duration.ofDays(10)));
    JwtAuthority oldKey = new JwtAuthority("old", KeyType.EC_P256.generate().getPublic(),
        NOW.minus(Duration.ofDays(2)), false);
    JwtAuthority liveKey = new JwtAuthority("live", KeyType.EC_P256.generate().getPublic(), NOW.plusSeconds(60), false);
    Bundle before = bundles.updateOwn(b -> Bundle.ofX509(TD, List.of(oldUpstream, graceUpstream, current))
        .withJwtAuthority(oldKey).withJwtAuthority(liveKey));

    assertThat(pruner.pruneOwn()).isTrue();

    Bundle after = bundles.own();
    assertThat(after.x509Certificates()).as("expired within the safety threshold stays")
        .containsExactly(graceUpstream, current);
    assertThat(after.jwtAuthorities()).extracting(JwtAuthority::keyId).containsExactly("live");
    assertThat(after.sequenceNumber()).isEqualTo(before.sequenceNumber() + 1);
    assertThat(pruner.pruneOwn()).as("nothing more to prune: no new version").isFalse();
    assertThat(bundles.own().sequenceNumber()).isEqualTo(after.sequenceNumber());
  }

  @Test
  void aPruneThatWouldEmptyTheBundleIsNotMade() {
    X509Certificate onlyRoot = root("upstream.org", NOW.minus(Duration.ofDays(3)));
    JwtAuthority liveKey = new JwtAuthority("live", KeyType.EC_P256.generate().getPublic(), NOW.plusSeconds(60), false);
    Bundle before = bundles.updateOwn(b -> Bundle.ofX509(TD, List.of(onlyRoot)).withJwtAuthority(liveKey));

    assertThat(pruner.pruneOwn()).isFalse();
    assertThat(bundles.own()).isEqualTo(before);

    JwtAuthority deadKey = new JwtAuthority("dead", KeyType.EC_P256.generate().getPublic(),
        NOW.minus(Duration.ofDays(3)), false);
    X509Certificate liveRoot = root("upstream.org", NOW.plus(Duration.ofDays(1)));
    Bundle onlyDeadJwt = bundles.updateOwn(b -> Bundle.ofX509(TD, List.of(liveRoot)).withJwtAuthority(deadKey));
    assertThat(pruner.pruneOwn()).as("the last jwt key stays too").isFalse();
    assertThat(bundles.own()).isEqualTo(onlyDeadJwt);
  }
}
