package dev.signet.attestors.node.awsiid;

/** EKS and Auto Scaling as {@code validate_eks_cluster_membership} needs them. */
interface EksApi {
  /**
   * Whether {@code instanceId} is in an Auto Scaling group of a node group of one of the configured EKS
   * clusters, in the given account and region. A configured cluster that does not exist there counts as
   * not containing the instance.
   *
   * @throws dev.signet.attestors.node.AttestationException UNAVAILABLE when AWS cannot be asked
   */
  boolean isClusterNode(String region, String accountId, String instanceId);
}
