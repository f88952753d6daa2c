package dev.signet.server.access;

import dev.signet.ca.manager.CaManager;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.datastore.DataStore;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.policy.PolicyStore;
import dev.signet.server.trust.TrustScorer;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * What the access API works with, from the running server.
 *
 * @param adminIds callers allowed to use the mutating endpoints and to read the audit trail
 * @param ready answers {@code /ready} and {@code /health}
 * @param tls the server's SVID and the X509-SVID client verifier for HTTPS; null serves plain HTTP
 */
public record AccessApiContext(DataStore dataStore, BundleSource bundles, CaManager ca, AuditTrail audit,
    boolean auditFailClosed, PolicyStore policies, TrustScorer trust, AccessMetrics metrics, List<SpiffeId> adminIds,
    BooleanSupplier ready, SSLContext tls, Clock clock) {
  public AccessApiContext {
    adminIds = List.copyOf(adminIds);
  }
}
