package dev.signet.attestors.node.awsiid;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Whether an account is an ACTIVE member of the organization, from the account list cached for
 * {@code org_account_map_ttl}. An account missing from a cached list triggers a refresh (a new account may
 * have just joined), but at most one per {@link #MISS_REFRESH_INTERVAL}, so documents naming foreign accounts
 * cannot make the server hammer Organizations. A failed refresh is UNAVAILABLE: never allow on a stale
 * or missing list (fail closed), and for {@link #FAILURE_BACKOFF} afterwards attestations fail without asking
 * again. Thread-safe.
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
  private Instant failedAt;
  private RuntimeException failure;

  OrganizationMembership(OrganizationsApi api, Duration ttl, Clock clock) {
    this.api = api;
    this.ttl = ttl;
    this.clock = clock;
  }

  synchronized boolean isActiveMember(String accountId) {
    Instant now = clock.instant();
    if (accounts == null && failedAt != null && now.isBefore(failedAt.plus(FAILURE_BACKOFF))) {
      throw failure;
    }
    if (accounts == null || !now.isBefore(fetchedAt.plus(ttl))) {
      refresh(now);
    } else if (!accounts.contains(accountId) && !now.isBefore(fetchedAt.plus(MISS_REFRESH_INTERVAL))) {
      refresh(now);
    }
    return accounts.contains(accountId);
  }

  private void refresh(Instant now) {
    accounts = null; // a failed refresh leaves no list to trust
    try {
      accounts = Set.copyOf(api.activeAccountIds());
    } catch (RuntimeException e) {
      failedAt = now;
      failure = e;
      throw e;
    }
    fetchedAt = now;
    failedAt = null;
  }
}
