package dev.signet.server.telemetry;

import dev.signet.ca.manager.AuthorityState;
import dev.signet.ca.manager.AuthorityStatus;
import dev.signet.ca.manager.CaManager;
import dev.signet.common.telemetry.Metrics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The CA's authorities as SPIRE reports them: {@code ca_manager_x509_ca_prepare} and
 * {@code ca_manager_x509_ca_activate} counters (and {@code ca_manager_jwt_key_prepare},
 * {@code manager_jwt_key_activate}), the active X.509 authority's expiry as
 * {@code manager_x509_ca_rotate_expiration{trust_domain_id}} (seconds since the epoch), and Signet's
 * {@code ca_authorities{kind,status}}, the number of authorities in each state. Preparations and activations are
 * counted by {@link #observe()}, which compares the states with those it saw last (scheduled rotations and
 * LocalAuthority API calls alike; two changes of one authority between two observations count once).
 */
public final class CaMetrics {
  private final CaManager ca;
  private final Metrics metrics;
  private final Tracker x509;
  private final Tracker jwt;

  public CaMetrics(CaManager ca, Metrics metrics, String trustDomain) {
    this.ca = ca;
    this.metrics = metrics;
    this.x509 = new Tracker("ca_manager_x509_ca_prepare", "ca_manager_x509_ca_activate", ca::x509AuthorityStates);
    this.jwt = new Tracker("ca_manager_jwt_key_prepare", "manager_jwt_key_activate", ca::jwtAuthorityStates);
    metrics.gauge("manager_x509_ca_rotate_expiration", this::activeX509Expiry, "trust_domain_id", trustDomain);
    for (AuthorityStatus status : AuthorityStatus.values()) {
      String label = status.name().toLowerCase(java.util.Locale.ROOT);
      metrics.gauge("ca_authorities", () -> count(ca.x509AuthorityStates(), status), "kind", "x509", "status", label);
      metrics.gauge("ca_authorities", () -> count(ca.jwtAuthorityStates(), status), "kind", "jwt", "status", label);
    }
  }

  /** Counts what was prepared and activated since the last call (the first call counts the start-up's). */
  public synchronized void observe() {
    x509.observe();
    jwt.observe();
  }

  private double activeX509Expiry() {
    return ca.x509AuthorityStates().stream().filter(a -> a.status() == AuthorityStatus.ACTIVE)
        .mapToDouble(a -> a.notAfter().getEpochSecond()).max().orElse(0);
  }

  private static double count(List<AuthorityState> states, AuthorityStatus status) {
    return states.stream().filter(a -> a.status() == status).count();
  }

  /** One kind of authority: the IDs seen and the active one, to count what changed. */
  private final class Tracker {
    private final String prepareKey;
    private final String activateKey;
    private final Supplier<List<AuthorityState>> states;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> activated = new HashSet<>();

    Tracker(String prepareKey, String activateKey, Supplier<List<AuthorityState>> states) {
      this.prepareKey = prepareKey;
      this.activateKey = activateKey;
      this.states = states;
      metrics.declare(prepareKey);
      metrics.declare(activateKey);
    }

    void observe() {
      for (AuthorityState state : states.get()) {
        if (seen.add(state.authorityId())) {
          metrics.increment(prepareKey);
        }
        if (state.status() != AuthorityStatus.PREPARED && activated.add(state.authorityId())) {
          metrics.increment(activateKey);
        }
      }
    }
  }
}
