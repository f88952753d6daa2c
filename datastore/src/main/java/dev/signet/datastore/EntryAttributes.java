package dev.signet.datastore;

/**
 * An entry's {@code additional_attributes} (spire-api-sdk v1.15).
 *
 * @param disableX509SvidPrefetch the agent need not mint the entry's X509-SVID before a workload asks
 * @param jwtSvidIncludeJti JWT-SVIDs minted for the entry carry a unique {@code jti} claim
 */
public record EntryAttributes(boolean disableX509SvidPrefetch, boolean jwtSvidIncludeJti) {
  /** No attribute set: what an entry without {@code additional_attributes} has. */
  public static final EntryAttributes NONE = new EntryAttributes(false, false);
}
