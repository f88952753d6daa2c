package dev.signet.ca.manager;

import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.keymanager.ManagedKey;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.ca.upstream.UpstreamSigned;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.X509CaMinter;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.X509Authority;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * X.509 CAs for the rotation: key {@code x509-CA-<slot>} from the key manager, self-signed or signed by the
 * upstream authority, validated, and published (the CA itself when self-signed, else the upstream roots).
 */
final class X509Hooks implements AuthorityRotation.Hooks<X509SigningAuthority> {
  private final CaConfig config;
  private final KeyManager keyManager;
  private final UpstreamAuthority upstream;
  private final BundleStore bundles;
  private final Consumer<Bundle> changed;
  /** The roots the upstream authority last returned; published with each upstream-signed CA. */
  private List<X509Certificate> upstreamRoots = List.of();

  X509Hooks(CaConfig config, KeyManager keyManager, UpstreamAuthority upstream, BundleStore bundles,
      Consumer<Bundle> changed) {
    this.config = config;
    this.keyManager = keyManager;
    this.upstream = upstream;
    this.bundles = bundles;
    this.changed = changed;
  }

  static String keyId(String slotId) {
    return "x509-CA-" + slotId;
  }

  @Override
  public X509SigningAuthority create(String slotId, Instant now) {
    ManagedKey key = keyManager.generateKey(keyId(slotId), config.x509KeyType());
    X509SigningAuthority authority;
    if (upstream == null) {
      X509Certificate ca = X509CaMinter.selfSigned(key.publicKey(), key.privateKey(), config.trustDomain(),
          config.caSubject(), config.caTtl(), now);
      authority = X509SigningAuthority.selfSigned(ca, key.privateKey());
    } else {
      UpstreamSigned signed = upstream.mintX509Ca(key.keyPair(), config.trustDomain(), config.caSubject(),
          config.caTtl(), now);
      if (!signed.certificate().getPublicKey().equals(key.publicKey())) {
        throw new CaException(Kind.INTERNAL, upstream.name() + ": upstream signed a different public key");
      }
      authority = X509SigningAuthority.upstreamSigned(signed.certificate(), key.privateKey(), signed.upstreamChain());
      upstreamRoots = signed.roots();
    }
    CredentialValidator.validateX509Ca(authority.certificate(), config.trustDomain(), now);
    return authority;
  }

  @Override
  public void publish(X509SigningAuthority authority, boolean tainted) {
    if (authority.isSelfSigned()) {
      update(b -> b.withX509Authority(new X509Authority(authority.certificate(), tainted)));
    } else {
      List<X509Certificate> roots = upstreamRoots;
      update(b -> {
        Bundle next = b;
        for (X509Certificate root : roots) {
          next = next.withX509Authority(root);
        }
        return next;
      });
    }
  }

  @Override
  public void checkLocallyManaged(String operation) {
    if (upstream != null) {
      throw new CaException(Kind.FAILED_PRECONDITION, "local x509 authorities cannot be " + operation
          + " while UpstreamAuthority \"" + upstream.name() + "\" is configured");
    }
  }

  @Override
  public void taint(X509SigningAuthority authority) {
    update(b -> b.withX509Authority(new X509Authority(authority.certificate(), true)));
  }

  @Override
  public void revoke(X509SigningAuthority authority) {
    update(b -> b.withoutX509Authority(authority.certificate()));
  }

  private void update(UnaryOperator<Bundle> change) {
    changed.accept(bundles.update(change));
  }
}
