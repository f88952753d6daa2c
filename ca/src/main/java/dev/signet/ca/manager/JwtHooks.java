package dev.signet.ca.manager;

import dev.signet.ca.CaRandom;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.keymanager.ManagedKey;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.common.bundle.Bundle;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * JWT keys for the rotation: key {@code JWT-Signer-<slot>}, a random kid, lifetime {@code ca_ttl}. Under an
 * upstream authority that takes JWT keys, each new key is published to it and its answer merged into our bundle.
 */
final class JwtHooks implements AuthorityRotation.Hooks<JwtSigningAuthority> {
  private final CaConfig config;
  private final KeyManager keyManager;
  private final UpstreamAuthority upstream;
  private final BundleStore bundles;
  private final Consumer<Bundle> changed;

  /** @param upstream {@code null} without an upstream authority */
  JwtHooks(CaConfig config, KeyManager keyManager, UpstreamAuthority upstream, BundleStore bundles,
      Consumer<Bundle> changed) {
    this.config = config;
    this.keyManager = keyManager;
    this.upstream = upstream;
    this.bundles = bundles;
    this.changed = changed;
  }

  static String keyId(String slotId) {
    return "JWT-Signer-" + slotId;
  }

  @Override
  public JwtSigningAuthority create(String slotId, Instant now) {
    ManagedKey key = keyManager.generateKey(keyId(slotId), config.jwtKeyType());
    return new JwtSigningAuthority(CaRandom.keyId(), key.keyPair(), now.plus(config.caTtl()));
  }

  @Override
  public void publish(JwtSigningAuthority authority, boolean tainted) {
    var entry = authority.toBundleAuthority();
    update(b -> b.withJwtAuthority(tainted ? entry.taint() : entry));
    if (upstream != null && !tainted) {
      // SPIRE's nested topology: every server's JWT keys reach the whole trust domain through the upstream.
      upstream.publishJwtAuthority(entry).ifPresent(keys -> update(b -> UpstreamBundles.withJwtAuthorities(b, keys)));
    }
  }

  @Override
  public void checkLocallyManaged(String operation) {
    // JWT keys are always the local CA's own, even under an upstream authority.
  }

  @Override
  public void taint(JwtSigningAuthority authority) {
    update(b -> b.withJwtAuthority(authority.toBundleAuthority().taint()));
  }

  @Override
  public void revoke(JwtSigningAuthority authority) {
    update(b -> b.withoutJwtAuthority(authority.keyId()));
  }

  private void update(UnaryOperator<Bundle> change) {
    changed.accept(bundles.update(change));
  }
}
