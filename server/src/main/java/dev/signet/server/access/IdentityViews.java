package dev.signet.server.access;

import dev.signet.common.spiffe.Selector;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.server.trust.IssuedSvids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of identities: registration entries and attested agents, as plain maps for Jackson. */
final class IdentityViews {
  private IdentityViews() {}

  static Map<String, Object> entry(RegistrationEntry entry) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("kind", "entry");
    view.put("spiffe_id", entry.spiffeId().toString());
    view.put("entry_id", entry.entryId());
    view.put("parent_id", entry.parentId().toString());
    view.put("selectors", selectors(entry.selectors()));
    view.put("x509_svid_ttl", entry.x509SvidTtl());
    view.put("jwt_svid_ttl", entry.jwtSvidTtl());
    view.put("dns_names", entry.dnsNames());
    view.put("admin", entry.admin());
    view.put("downstream", entry.downstream());
    return view;
  }

  static Map<String, Object> agent(AttestedNode node) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("kind", "agent");
    view.put("spiffe_id", node.spiffeId().toString());
    view.put("attestation_type", node.attestationDataType());
    view.put("svid_expires_at", node.certNotAfter() == null ? null : node.certNotAfter().toString());
    view.put("banned", node.banned());
    view.put("can_reattest", node.canReattest());
    view.put("selectors", selectors(node.selectors()));
    return view;
  }

  /** The newest X509-SVID the server signed for an identity (since it started). */
  static Map<String, Object> svid(IssuedSvids.Issued issued) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("serial", issued.serial().toString(16));
    view.put("issued_at", issued.issuedAt().toString());
    view.put("expires_at", issued.notAfter().toString());
    view.put("issued_to", issued.agentId().toString());
    return view;
  }

  private static List<String> selectors(List<Selector> selectors) {
    return selectors.stream().map(Selector::toString).toList();
  }
}
