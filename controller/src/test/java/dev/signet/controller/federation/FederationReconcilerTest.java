package dev.signet.controller.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.controller.crd.ClusterFederatedTrustDomainSpec;
import dev.signet.controller.crd.ClusterFederatedTrustDomainSpec.BundleEndpointProfile;
import dev.signet.controller.crd.Owner;
import dev.signet.proto.spire.api.types.FederationRelationship;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederationReconcilerTest {
  private final FakeFederationClient server = new FakeFederationClient();
  private final FederationReconciler reconciler = new FederationReconciler(server);

  @Test
  void declaredRelationshipsAreCreatedUpdatedAndDeletedHandMadeOnesAreLeftAlone() {
    server.relationships.put("by-hand.org", FederationRenderer.render(spec("by-hand.org", "https://h.example/b",
        "https_web", null)));
    Owner partner = owner("partner", 1);
    reconciler.reconcile(Map.of(partner, FederationRenderer.render(
        spec("partner.org", "https://partner.example/bundle", "https_spiffe", "spiffe://partner.org/spire/server"))));
    assertThat(server.relationships).containsKeys("partner.org", "by-hand.org");
    assertThat(server.relationships.get("partner.org").getHttpsSpiffe().getEndpointSpiffeId())
        .isEqualTo("spiffe://partner.org/spire/server");

    reconciler.reconcile(Map.of(partner, FederationRenderer.render(
        spec("partner.org", "https://partner.example/v2", "https_web", null))));
    assertThat(server.updates).isEqualTo(1);
    assertThat(server.relationships.get("partner.org").getBundleEndpointUrl()).isEqualTo("https://partner.example/v2");
    assertThat(server.relationships.get("partner.org").hasHttpsWeb()).isTrue();

    reconciler.reconcile(Map.of(partner, FederationRenderer.render(
        spec("partner.org", "https://partner.example/v2", "https_web", null))));
    assertThat(server.updates).isEqualTo(1);

    reconciler.reconcile(Map.of());
    assertThat(server.relationships).containsOnlyKeys("by-hand.org");
  }

  @Test
  void aRelationshipPresentBeforeTheFirstPassIsNeverDeleted() {
    server.relationships.put("left-over.org", FederationRenderer.render(spec("left-over.org", "https://l.example/b",
        "https_web", null)));
    reconciler.reconcile(Map.of());
    reconciler.reconcile(Map.of());
    assertThat(server.relationships).containsOnlyKeys("left-over.org");
  }

  @Test
  void badSpecsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> FederationRenderer.render(spec("partner.org", "http://partner.example/b", "https_web",
        null))).hasMessageContaining("bundleEndpointURL \"http://partner.example/b\" must be an https URL");
    assertThatThrownBy(() -> FederationRenderer.render(spec("partner.org", "https://partner.example/b", "web", null)))
        .hasMessageContaining("bundleEndpointProfile.type \"web\"");
    assertThatThrownBy(() -> FederationRenderer.render(spec("Not A Domain", "https://p.example/b", "https_web", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ClusterFederatedTrustDomainSpec spec(String td, String url, String type, String endpointId) {
    return new ClusterFederatedTrustDomainSpec(td, url, new BundleEndpointProfile(type, endpointId), null, null);
  }

  private static Owner owner(String name, int order) {
    return new Owner("ClusterFederatedTrustDomain", name, "uid-" + name, Instant.EPOCH.plusSeconds(order));
  }
}
