package dev.signet.controller.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code spec} of a {@code ClusterStaticEntry} exactly as the manifest spells it (spire.spiffe.io/v1alpha1). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterStaticEntrySpec(
    String spiffeID,
    String parentID,
    List<String> selectors,
    List<String> federatesWith,
    String x509SVIDTTL,
    String jwtSVIDTTL,
    List<String> dnsNames,
    String hint,
    boolean admin,
    boolean downstream,
    boolean storeSVID,
    String className) {

  public ClusterStaticEntrySpec {
    selectors = selectors == null ? List.of() : List.copyOf(selectors);
    federatesWith = federatesWith == null ? List.of() : List.copyOf(federatesWith);
    dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    hint = hint == null ? "" : hint;
    className = className == null ? "" : className;
  }
}
