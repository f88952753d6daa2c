package dev.signet.controller.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * {@code spec} of a {@code ClusterSPIFFEID} exactly as the manifest spells it (spire.spiffe.io/v1alpha1).
 * {@link ParsedClusterSpiffeId} is the checked form.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterSpiffeIdSpec(
    String spiffeIDTemplate,
    LabelSelector podSelector,
    LabelSelector namespaceSelector,
    List<String> workloadSelectorTemplates,
    List<String> dnsNameTemplates,
    String ttl,
    String jwtTtl,
    List<String> federatesWith,
    boolean admin,
    boolean downstream,
    boolean autoPopulateDNSNames,
    boolean fallback,
    String className,
    String hint) {

  public ClusterSpiffeIdSpec {
    workloadSelectorTemplates = workloadSelectorTemplates == null ? List.of() : List.copyOf(workloadSelectorTemplates);
    dnsNameTemplates = dnsNameTemplates == null ? List.of() : List.copyOf(dnsNameTemplates);
    federatesWith = federatesWith == null ? List.of() : List.copyOf(federatesWith);
    className = className == null ? "" : className;
    hint = hint == null ? "" : hint;
  }
}
