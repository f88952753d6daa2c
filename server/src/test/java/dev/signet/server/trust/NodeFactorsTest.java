package dev.signet.server.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeFactorsTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static AttestedNode node(String type, boolean canReattest, boolean banned, Instant notAfter) {
    return new AttestedNode(SpiffeId.parse("spiffe://example.org/spire/agent/" + type + "/n1"), type, "1", notAfter, "",
        null, canReattest, banned, List.of());
  }

  private static int score(AttestedNode node, NodeHistory.Record history) {
    return TrustScore.of(NodeFactors.of(node, history, NOW)).score();
  }

  private static NodeHistory.Record seen(Duration ago) {
    return new NodeHistory.Record(NOW.minus(ago), 0, 0, NOW.minus(ago));
  }

  @Test
  void strongerAttestationScoresHigher() {
    Instant valid = NOW.plusSeconds(3600);
    NodeHistory.Record fresh = seen(Duration.ofSeconds(5));
    int tpm = score(node("tpm", true, false, valid), fresh);
    int aws = score(node("aws_iid", false, false, valid), fresh);
    int psat = score(node("k8s_psat", true, false, valid), fresh);
    int x509pop = score(node("x509pop", true, false, valid), fresh);
    int sat = score(node("k8s_sat", false, false, valid), fresh);
    int joinToken = score(node("join_token", false, false, valid), fresh);
    assertThat(tpm).isEqualTo(100);
    assertThat(tpm).isGreaterThan(aws);
    assertThat(psat).isGreaterThan(x509pop);
    assertThat(aws).isGreaterThan(x509pop);
    assertThat(x509pop).isGreaterThan(sat);
    assertThat(sat).isGreaterThan(joinToken);
  }

  @Test
  void aBannedNodeScoresZeroWhateverElse() {
    assertThat(score(node("tpm", true, true, NOW.plusSeconds(60)), seen(Duration.ZERO))).isZero();
  }

  @Test
  void anOverdueSvidSilenceEvictionsAndOldTrustOnFirstUseCost() {
    AttestedNode expired = node("tpm", true, false, NOW.minusSeconds(1));
    assertThat(score(expired, seen(Duration.ofSeconds(5)))).isEqualTo(75);
    AttestedNode valid = node("tpm", true, false, NOW.plusSeconds(60));
    assertThat(score(valid, seen(Duration.ofMinutes(10)))).isEqualTo(90);
    assertThat(score(valid, seen(Duration.ofHours(2)))).isEqualTo(75);
    assertThat(score(valid, new NodeHistory.Record(NOW, 0, 5, NOW))).as("evictions are capped").isEqualTo(70);
    AttestedNode tofu = node("tpm", false, false, NOW.plusSeconds(60));
    assertThat(score(tofu, new NodeHistory.Record(NOW.minus(Duration.ofDays(40)), 0, 0, NOW))).isEqualTo(90);
  }
}
