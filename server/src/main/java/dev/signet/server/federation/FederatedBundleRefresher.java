package dev.signet.server.federation;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.FederationRelationship;
import dev.signet.server.bundle.TrustBundles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps federated bundles current: for every federation relationship, fetches the bundle from its
 * endpoint when due ({@link #nextFetch}: as SPIRE does, four times per {@code spiffe_refresh_hint}, a hint
 * below {@link #MINIMUM_REFRESH_HINT} counting as that minimum, else every {@link #DEFAULT_REFRESH}; after a
 * failure, {@link #RETRY_AFTER_FAILURE}) and stores what changed. A failed fetch (endpoint down, wrong
 * endpoint SPIFFE ID, bad document) leaves the stored bundle as it was. {@link #refresh} does one at once, for
 * the TrustDomain API's RefreshBundle.
 */
public final class FederatedBundleRefresher {
  /** How often a bundle without a refresh hint is fetched (SPIRE's default hint is 5 minutes). */
  static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
  /** The smallest refresh hint honoured (SPIRE's {@code bundleutil.MinimumRefreshHint}). */
  static final Duration MINIMUM_REFRESH_HINT = Duration.ofMinutes(1);
  /** Fetches per refresh hint, so one missed fetch does not miss a rotation (SPIRE's attemptsPerRefreshHint). */
  static final int ATTEMPTS_PER_REFRESH_HINT = 4;
  private static final Logger LOG = LoggerFactory.getLogger(FederatedBundleRefresher.class);

  private final DataStore dataStore;
  private final TrustBundles bundles;
  private final BundleEndpointClient client;
  private final Clock clock;
  private final Map<String, Instant> nextRefresh = new ConcurrentHashMap<>();

  public FederatedBundleRefresher(DataStore dataStore, TrustBundles bundles, BundleEndpointClient client, Clock clock) {
    this.dataStore = dataStore;
    this.bundles = bundles;
    this.client = client;
    this.clock = clock;
  }

  /**
   * Fetches the bundle of {@code trustDomain} from its relationship's endpoint now and stores it.
   *
   * @throws DataStoreException NOT_FOUND when there is no relationship for the trust domain
   */
  public Bundle refresh(TrustDomain trustDomain) throws BundleFetchException {
    FederationRelationship relationship = dataStore.fetchFederationRelationship(trustDomain.name())
        .orElseThrow(() -> new DataStoreException(DataStoreException.Kind.NOT_FOUND,
            "no federation relationship with trust domain \"" + trustDomain + "\""));
    try {
      Bundle fetched = client.fetch(relationship);
      Bundle stored = bundles.update(trustDomain, current -> new Bundle(trustDomain, fetched.x509Authorities(),
          fetched.jwtAuthorities(), current.sequenceNumber(), fetched.refreshHint()));
      nextRefresh.put(trustDomain.name(), clock.instant().plus(nextFetch(stored.refreshHint())));
      return stored;
    } catch (BundleFetchException e) {
      nextRefresh.put(trustDomain.name(), clock.instant().plus(RETRY_AFTER_FAILURE));
      throw e;
    }
  }

  /** Refreshes every relationship that is due; failures are logged and retried later. Run periodically. */
  public void refreshDue() {
    Instant now = clock.instant();
    for (FederationRelationship relationship : dataStore.listFederationRelationships()) {
      Instant due = nextRefresh.getOrDefault(relationship.trustDomain(), Instant.MIN);
      if (now.isBefore(due)) {
        continue;
      }
      try {
        refresh(TrustDomain.parse(relationship.trustDomain()));
      } catch (BundleFetchException | DataStoreException e) {
        LOG.warn("federated bundle of \"{}\" not refreshed: {}", relationship.trustDomain(), e.getMessage());
      }
    }
  }

  /** How long after a successful fetch of a bundle with this refresh hint (zero: none) the next one is due. */
  static Duration nextFetch(Duration refreshHint) {
    if (refreshHint.isZero() || refreshHint.isNegative()) {
      return DEFAULT_REFRESH;
    }
    Duration hint = refreshHint.compareTo(MINIMUM_REFRESH_HINT) < 0 ? MINIMUM_REFRESH_HINT : refreshHint;
    return hint.dividedBy(ATTEMPTS_PER_REFRESH_HINT);
  }

  /** Forgets the schedule of a deleted relationship. */
  public void forget(String trustDomain) {
    nextRefresh.remove(trustDomain);
  }
}
