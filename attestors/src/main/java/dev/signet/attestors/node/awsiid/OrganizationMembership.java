package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Whether an account is an ACTIVE member of the organization, from the account list cached for
 * {@code org_account_map_ttl}. An account missing from a cached list triggers a refresh (a new account may
 * have just joined), but at most one per {@link #MISS_REFRESH_INTERVAL}, so documents naming foreign accounts
 * cannot make the server hammer Organizations; if that refresh fails, only the unknown account gets
 * UNAVAILABLE and the fresh list stays. Once the TTL has passed the list is dropped: without a new one every
 * attestation is UNAVAILABLE (fail closed), and for {@link #FAILURE_BACKOFF} after a failure without asking
 * AWS again. Thread-safe.
 */
final class OrganizationMembership {
  /** The shortest time between two list refreshes caused by unknown accounts (SPIRE's minimum TTL). */
  static final Duration MISS_REFRESH_INTERVAL = Duration.ofMinutes(1);
  /** After a failed refresh, attestations fail at once for this long instead of asking again. */
  static final Duration FAILURE_BACKOFF = Duration.ofSeconds(10);

  private final OrganizationsApi api;
  private final Duration ttl;
  private final Clock clock;
  private Set<String> accounts;
  private Instant fetchedAt;
  /** When the list was last asked for (fetched or failed): paces refreshes caused by unknown accounts. */
  private Instant lastAttempt = Instant.MIN;
  private Instant failedAt;
  private RuntimeException failure;

  OrganizationMembership(OrganizationsApi api, Duration ttl, Clock clock) {
    this.api = api;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * Whether {@code accountId} is an ACTIVE account of the organization. Holds the lock while it asks AWS,
   * so concurrent attestations share one refresh (bounded by the client's deadline).
   *
   * @throws AttestationException UNAVAILABLE when no list within its TTL can be had, or when the refresh
   *     an unknown account asked for failed (members of the still-fresh list keep attesting)
   */
  synchronized boolean isActiveMember(String accountId) {
    Instant now = clock.instant();
    boolean fresh = accounts != null && now.isBefore(fetchedAt.plus(ttl));
    if (fresh) {
      if (accounts.contains(accountId) || now.isBefore(lastAttempt.plus(MISS_REFRESH_INTERVAL))) {
        return accounts.contains(accountId);
      }
      lastAttempt = now;
      try {
        accounts = Set.copyOf(api.activeAccountIds());
        fetchedAt = now;
      } catch (RuntimeException e) {
        throw unavailable("the organization's account list could not be refreshed", e);
      }
      return accounts.contains(accountId);
    }
    accounts = null; // expired: never trusted again
    if (failedAt != null && now.isBefore(failedAt.plus(FAILURE_BACKOFF))) {
      throw unavailable("the organization's account list could not be read at " + failedAt + "; retrying after "
          + failedAt.plus(FAILURE_BACKOFF), failure);
    }
    lastAttempt = now;
    try {
      accounts = Set.copyOf(api.activeAccountIds());
    } catch (RuntimeException e) {
      failedAt = now;
      failure = e;
      throw unavailable("the organization's account list could not be read", e);
    }
    fetchedAt = now;
    failedAt = null;
    failure = null;
    return accounts.contains(accountId);
  }

  private static AttestationException unavailable(String message, RuntimeException cause) {
    return new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME + ": verify_organization: "
        + message + (cause == null ? "" : ": " + cause.getMessage()), cause);
  }
}
