package dev.signet.controller.k8s;

import dev.signet.controller.crd.ClusterFederatedTrustDomainSpec;
import dev.signet.controller.crd.ClusterSpiffeIdSpec;
import dev.signet.controller.crd.ClusterStaticEntrySpec;
import dev.signet.controller.crd.Owner;
import dev.signet.controller.reconcile.ClusterSpiffeIdResource;
import dev.signet.controller.reconcile.StaticEntryResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The custom resources of spire-controller-manager ({@code spire.spiffe.io/v1alpha1}, cluster scoped), read as
 * generic resources so the manifests' own spelling is the only schema.
 */
public final class SpireResources {
  /** {@code ClusterSPIFFEID}. */
  public static final ResourceDefinitionContext CLUSTER_SPIFFE_ID = context("ClusterSPIFFEID", "clusterspiffeids");
  /** {@code ClusterStaticEntry}. */
  public static final ResourceDefinitionContext CLUSTER_STATIC_ENTRY =
      context("ClusterStaticEntry", "clusterstaticentries");
  /** {@code ClusterFederatedTrustDomain}. */
  public static final ResourceDefinitionContext CLUSTER_FEDERATED_TRUST_DOMAIN =
      context("ClusterFederatedTrustDomain", "clusterfederatedtrustdomains");

  private SpireResources() {}

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("spire.spiffe.io").withVersion("v1alpha1")
        .withKind(kind).withPlural(plural).withNamespaced(false).build();
  }

  /** The owner identity of a resource (name, uid, creation time). */
  public static Owner owner(GenericKubernetesResource resource) {
    var meta = resource.getMetadata();
    Instant created = Instant.EPOCH;
    if (meta.getCreationTimestamp() != null) {
      try {
        created = Instant.parse(meta.getCreationTimestamp());
      } catch (DateTimeParseException e) {
        created = Instant.EPOCH;
      }
    }
    return new Owner(resource.getKind() == null ? "resource" : resource.getKind(), meta.getName(), meta.getUid(),
        created);
  }

  /** A ClusterSPIFFEID's spec; throws {@link IllegalArgumentException} for a spec of the wrong shape. */
  public static ClusterSpiffeIdResource clusterSpiffeId(GenericKubernetesResource resource) {
    return new ClusterSpiffeIdResource(owner(resource), spec(resource, ClusterSpiffeIdSpec.class));
  }

  /** A ClusterStaticEntry's spec; throws {@link IllegalArgumentException} for a spec of the wrong shape. */
  public static StaticEntryResource clusterStaticEntry(GenericKubernetesResource resource) {
    return new StaticEntryResource(owner(resource), spec(resource, ClusterStaticEntrySpec.class));
  }

  /** A ClusterFederatedTrustDomain's spec; throws {@link IllegalArgumentException} for a spec of the wrong shape. */
  public static ClusterFederatedTrustDomainSpec clusterFederatedTrustDomain(GenericKubernetesResource resource) {
    return spec(resource, ClusterFederatedTrustDomainSpec.class);
  }

  /** {@code spec.className} of any of the resources ({@code ""} when unset). */
  public static String className(GenericKubernetesResource resource) {
    Object spec = resource.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> map && map.get("className") instanceof String name) {
      return name;
    }
    return "";
  }

  private static <T> T spec(GenericKubernetesResource resource, Class<T> type) {
    Object spec = resource.getAdditionalProperties().get("spec");
    try {
      return Serialization.jsonMapper().convertValue(spec == null ? Map.of() : spec, type);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(resource.getKind() + " \"" + resource.getMetadata().getName()
          + "\": spec does not parse: " + e.getMessage(), e);
    }
  }
}
