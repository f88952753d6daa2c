package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A set of IDs read from AWS (an organization's active accounts, the instances of EKS clusters' node groups)
 * and kept for a TTL. An ID missing from a fresh set triggers a re-read (it may have just joined), at most
 * once per {@code missRefreshInterval}, so documents naming foreign IDs cannot make the server hammer AWS;
 * if that re-read fails, only the caller asking about the unknown ID gets UNAVAILABLE and the fresh set
 * stays. Once the TTL has passed the set is dropped: without a new one every check is UNAVAILABLE (fail
 * closed), and for {@code failureBackoff} after a failure without asking AWS again. Holds its lock while it
 * asks AWS, so concurrent checks share one read (bounded by the client's deadline). Thread-safe.
 */
final class RefreshingIdSet {
  /** The longest one read of a set from AWS may take (paging included); checks wait for it. */
  static final Duration READ_DEADLINE = Duration.ofSeconds(30);

  private final String what;
  private final Supplier<Set<String>> source;
  private final Duration ttl;
  private final Duration missRefreshInterval;
  private final Duration failureBackoff;
  private final Clock clock;
  private Set<String> ids;
  private Instant fetchedAt;
  /** When the set was last asked for (read or failed): paces re-reads caused by unknown IDs. */
  private Instant lastAttempt = Instant.MIN;
  private Instant failedAt;
  private RuntimeException failure;

  /**
   * @param what how error messages name the set, e.g. "verify_organization: the organization's account list"
   * @param source reads the set; throws (an {@link AttestationException} UNAVAILABLE) when AWS cannot be asked
   */
  RefreshingIdSet(String what, Supplier<Set<String>> source, Duration ttl, Duration missRefreshInterval,
      Duration failureBackoff, Clock clock) {
    this.what = what;
    this.source = source;
    this.ttl = ttl;
    this.missRefreshInterval = missRefreshInterval;
    this.failureBackoff = failureBackoff;
    this.clock = clock;
  }

  /**
   * Whether {@code id} is in the set.
   *
   * @throws AttestationException UNAVAILABLE when no set within its TTL can be had, or when the re-read an
   *     unknown ID asked for failed
   */
  synchronized boolean contains(String id) {
    Instant now = clock.instant();
    boolean fresh = ids != null && now.isBefore(fetchedAt.plus(ttl));
    if (fresh) {
      if (ids.contains(id) || now.isBefore(lastAttempt.plus(missRefreshInterval))) {
        return ids.contains(id);
      }
      lastAttempt = now;
      try {
        ids = Set.copyOf(source.get());
        fetchedAt = now;
      } catch (RuntimeException e) {
        throw unavailable("could not be refreshed", e);
      }
      return ids.contains(id);
    }
    ids = null; // expired: never trusted again
    if (failedAt != null && now.isBefore(failedAt.plus(failureBackoff))) {
      throw unavailable("could not be read at " + failedAt + "; retrying after " + failedAt.plus(failureBackoff), failure);
    }
    lastAttempt = now;
    try {
      ids = Set.copyOf(source.get());
    } catch (RuntimeException e) {
      failedAt = now;
      failure = e;
      throw unavailable("could not be read", e);
    }
    fetchedAt = now;
    failedAt = null;
    failure = null;
    return ids.contains(id);
  }

  private AttestationException unavailable(String problem, RuntimeException cause) {
    return new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME + ": " + what + " " + problem
        + (cause == null ? "" : ": " + cause.getMessage()), cause);
  }
}
