package dev.signet.attestors.node.awsiid;

import java.util.Set;

/** AWS Organizations as {@code verify_organization} needs it: the IDs of the organization's ACTIVE accounts. */
interface OrganizationsApi {
  /**
   * @return every account of the organization whose status is ACTIVE
   * @throws dev.signet.attestors.node.AttestationException UNAVAILABLE when AWS cannot be asked
   */
  Set<String> activeAccountIds();
}
