package dev.signet.common.plugin;

import dev.signet.common.spiffe.TrustDomain;
import java.util.Objects;

/**
 * What every plugin may read from the core configuration while it parses its own {@code plugin_data} (SPIRE's
 * {@code CoreConfiguration}).
 *
 * @param trustDomain the trust domain of the server or agent
 */
public record CoreConfig(TrustDomain trustDomain) {
  public CoreConfig {
    Objects.requireNonNull(trustDomain, "trust domain");
  }
}
