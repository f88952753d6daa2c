package dev.signet.attestors.node.k8s;

/** Names shared by both halves of {@code NodeAttestor "k8s_psat"} and {@code "k8s_sat"}. */
public final class K8sNames {
  /** SPIRE's name of the projected service account token attestor, also its selector type. */
  public static final String PSAT = "k8s_psat";
  /** SPIRE's name of the (legacy) service account token attestor, also its selector type. */
  public static final String SAT = "k8s_sat";

  private K8sNames() {}
}
