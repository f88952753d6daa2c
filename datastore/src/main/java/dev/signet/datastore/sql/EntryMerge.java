package dev.signet.datastore.sql;

import dev.signet.datastore.RegistrationEntry;
import java.util.Set;

/** Applies an update mask: the named fields come from the update, the others from the stored entry. */
final class EntryMerge {
  private EntryMerge() {}

  static RegistrationEntry apply(RegistrationEntry current, RegistrationEntry update, Set<String> fields) {
    RegistrationEntry u = update;
    RegistrationEntry c = current;
    return new RegistrationEntry(c.entryId(),
        fields.contains("spiffe_id") ? u.spiffeId() : c.spiffeId(),
        fields.contains("parent_id") ? u.parentId() : c.parentId(),
        fields.contains("selectors") ? u.selectors() : c.selectors(),
        fields.contains("x509_svid_ttl") ? u.x509SvidTtl() : c.x509SvidTtl(),
        fields.contains("jwt_svid_ttl") ? u.jwtSvidTtl() : c.jwtSvidTtl(),
        fields.contains("federates_with") ? u.federatesWith() : c.federatesWith(),
        fields.contains("admin") ? u.admin() : c.admin(),
        fields.contains("downstream") ? u.downstream() : c.downstream(),
        fields.contains("expires_at") ? u.expiresAt() : c.expiresAt(),
        fields.contains("dns_names") ? u.dnsNames() : c.dnsNames(),
        c.revisionNumber(),
        fields.contains("store_svid") ? u.storeSvid() : c.storeSvid(),
        fields.contains("hint") ? u.hint() : c.hint(),
        c.createdAt(),
        fields.contains("additional_attributes") ? u.attributes() : c.attributes());
  }
}
