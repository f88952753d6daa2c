package dev.signet.datastore;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A registration entry, field for field SPIRE's {@code RegisteredEntry}. Lists keep their order (the
 * first DNS name becomes the certificate's common name) and are de-duplicated.
 *
 * @param entryId empty when the datastore should generate one
 * @param x509SvidTtl seconds; 0 means the server default
 * @param jwtSvidTtl seconds; 0 means the server default
 * @param federatesWith trust domain names ({@code example.org}) whose bundles the workload receives
 * @param expiresAt unix seconds; 0 means never
 * @param revisionNumber 0 on creation, incremented by every update
 * @param createdAt unix seconds, set by the datastore
 * @param attributes {@code additional_attributes}; {@link EntryAttributes#NONE} when none are set
 */
public record RegistrationEntry(
    String entryId,
    SpiffeId spiffeId,
    SpiffeId parentId,
    List<Selector> selectors,
    int x509SvidTtl,
    int jwtSvidTtl,
    List<String> federatesWith,
    boolean admin,
    boolean downstream,
    long expiresAt,
    List<String> dnsNames,
    long revisionNumber,
    boolean storeSvid,
    String hint,
    long createdAt,
    EntryAttributes attributes) {

  /**
   * Field names an update mask may contain; the same names as {@code spire.api.types.EntryMask}.
   * Server-owned fields (id, revision, creation time) are not updatable.
   */
  public static final Set<String> UPDATABLE_FIELDS = Set.of("spiffe_id", "parent_id", "selectors",
      "x509_svid_ttl", "jwt_svid_ttl", "federates_with", "admin", "downstream", "expires_at", "dns_names",
      "store_svid", "hint", "additional_attributes");

  public RegistrationEntry {
    entryId = entryId == null ? "" : entryId;
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(parentId, "parentId");
    selectors = List.copyOf(new LinkedHashSet<>(selectors));
    federatesWith = List.copyOf(new LinkedHashSet<>(federatesWith));
    dnsNames = List.copyOf(new LinkedHashSet<>(dnsNames));
    hint = hint == null ? "" : hint;
    attributes = attributes == null ? EntryAttributes.NONE : attributes;
    if (x509SvidTtl < 0) {
      throw new IllegalArgumentException("x509_svid_ttl " + x509SvidTtl + " is negative");
    }
    if (jwtSvidTtl < 0) {
      throw new IllegalArgumentException("jwt_svid_ttl " + jwtSvidTtl + " is negative");
    }
    if (expiresAt < 0) {
      throw new IllegalArgumentException("expires_at " + expiresAt + " is negative");
    }
  }

  /** An entry without additional attributes. */
  public RegistrationEntry(String entryId, SpiffeId spiffeId, SpiffeId parentId, List<Selector> selectors,
      int x509SvidTtl, int jwtSvidTtl, List<String> federatesWith, boolean admin, boolean downstream, long expiresAt,
      List<String> dnsNames, long revisionNumber, boolean storeSvid, String hint, long createdAt) {
    this(entryId, spiffeId, parentId, selectors, x509SvidTtl, jwtSvidTtl, federatesWith, admin, downstream, expiresAt,
        dnsNames, revisionNumber, storeSvid, hint, createdAt, EntryAttributes.NONE);
  }

  /** This entry with another id. */
  public RegistrationEntry withEntryId(String id) {
    return new RegistrationEntry(id, spiffeId, parentId, selectors, x509SvidTtl, jwtSvidTtl, federatesWith, admin,
        downstream, expiresAt, dnsNames, revisionNumber, storeSvid, hint, createdAt, attributes);
  }

  /** This entry with the server-owned fields (revision, creation time) replaced. */
  public RegistrationEntry withServerFields(long revision, long created) {
    return new RegistrationEntry(entryId, spiffeId, parentId, selectors, x509SvidTtl, jwtSvidTtl, federatesWith,
        admin, downstream, expiresAt, dnsNames, revision, storeSvid, hint, created, attributes);
  }
}
