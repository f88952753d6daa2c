package dev.signet.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS key manager that always presents the current SVID. The SVID is swapped atomically on rotation
 * ({@link #update}), so new handshakes use the new certificate while established connections live on.
 *
 * <p>The JDK asks for the key and the chain in two calls; the alias names one generation of key
 * material so that a rotation between the two calls cannot pair a new key with an old chain.
 */
public final class SvidKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS_PREFIX = "svid-";

  /** Key and chain (leaf first) that are presented together. The key is never printed. */
  public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
    public KeyMaterial {
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("svid chain is empty");
      }
    }

    @Override
    public String toString() {
      return "KeyMaterial[leaf=" + chain.get(0).getSubjectX500Principal() + "]";
    }
  }

  private record Generation(long number, KeyMaterial material, KeyMaterial previous) {
    String alias() {
      return ALIAS_PREFIX + number;
    }
  }

  private final AtomicReference<Generation> current;

  public SvidKeyManager(KeyMaterial initial) {
    this.current = new AtomicReference<>(new Generation(0, initial, initial));
  }

  /** Presents {@code next} from the next handshake on. */
  public void update(KeyMaterial next) {
    current.updateAndGet(g -> new Generation(g.number() + 1, next, g.material()));
  }

  public KeyMaterial current() {
    return current.get().material();
  }

  private KeyMaterial forAlias(String alias) {
    Generation g = current.get();
    if (g.alias().equals(alias)) {
      return g.material();
    }
    return (ALIAS_PREFIX + (g.number() - 1)).equals(alias) ? g.previous() : null;
  }

  private String alias() {
    return current.get().alias();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {alias()};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {alias()};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias();
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial material = forAlias(alias);
    return material == null ? null : material.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial material = forAlias(alias);
    return material == null ? null : material.privateKey();
  }
}
