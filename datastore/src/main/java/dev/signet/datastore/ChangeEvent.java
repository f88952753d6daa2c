package dev.signet.datastore;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the append-only change log. Every write appends its events in the same transaction, and
 * events become visible in id order without gaps, so a cache that remembers the last id it has seen
 * and tails {@link DataStore#listEvents(long, int)} misses no change, including changes made by other
 * servers sharing the database.
 *
 * @param id strictly increasing, starting at 1
 * @param key the changed record: entry id, node SPIFFE ID, bundle trust domain, CA journal name,
 *     federation relationship trust domain, or a fingerprint (never the secret) of a join token
 */
public record ChangeEvent(long id, Kind kind, String key, Instant at) {
  /** Which kind of record changed. */
  public enum Kind {
    ENTRY,
    NODE,
    BUNDLE,
    JOIN_TOKEN,
    CA_JOURNAL,
    FEDERATION_RELATIONSHIP
  }

  public ChangeEvent {
    if (id <= 0) {
      throw new IllegalArgumentException("event id " + id + " is not positive");
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(at, "at");
  }
}
