package dev.signet.attestors.node.awsiid;

import java.util.Set;

/** EKS and Auto Scaling as {@code validate_eks_cluster_membership} needs them. */
interface EksApi {
  /**
   * The IDs of the instances in the Auto Scaling groups of the node groups of the configured EKS clusters,
   * in the given account and region. A configured cluster that does not exist there contributes none.
   *
   * @throws dev.signet.attestors.node.AttestationException UNAVAILABLE when AWS cannot be asked
   */
  Set<String> nodeInstances(String region, String accountId);
}
