package dev.signet.server.federation;

import dev.signet.common.config.ConfigException;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.FederationRelationship;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the {@code federates_with} relationships of the config at start-up, as SPIRE does: a new one is
 * created, a changed one updated, an unchanged one left alone. Relationships made through the TrustDomain
 * API for other trust domains are not touched.
 */
public final class ConfiguredRelationships {
  private static final Logger LOG = LoggerFactory.getLogger(ConfiguredRelationships.class);

  private ConfiguredRelationships() {}

  public static void apply(DataStore dataStore, TrustDomain own, List<FederationRelationship> configured) {
    for (FederationRelationship relationship : configured) {
      if (relationship.trustDomain().equals(own.name())) {
        throw new ConfigException("federation.federates_with \"" + relationship.trustDomain()
            + "\": a server cannot federate with its own trust domain");
      }
      Optional<FederationRelationship> stored = dataStore.fetchFederationRelationship(relationship.trustDomain());
      if (stored.isEmpty()) {
        dataStore.createFederationRelationship(relationship);
        LOG.info("federation relationship with {} created from the config ({})", relationship.trustDomain(),
            relationship.bundleEndpointUrl());
      } else if (!stored.get().equals(relationship)) {
        dataStore.updateFederationRelationship(relationship);
        LOG.info("federation relationship with {} updated from the config ({})", relationship.trustDomain(),
            relationship.bundleEndpointUrl());
      }
    }
  }
}
