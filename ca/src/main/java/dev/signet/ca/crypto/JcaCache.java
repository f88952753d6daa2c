package dev.signet.ca.crypto;

import dev.signet.common.crypto.CryptoProviders;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-thread {@link Signature} and {@link KeyFactory} objects on the provider {@link CryptoProviders} chose.
 * These objects are not thread-safe and looking one up costs about as much as a native verification, so
 * each thread keeps one per algorithm; the cache starts afresh when the chosen provider changes.
 */
public final class JcaCache {
  private static final ThreadLocal<JcaCache> CACHES = new ThreadLocal<>();

  private final Provider provider;
  private final Map<String, Signature> signatures = new HashMap<>();
  private final Map<String, KeyFactory> keyFactories = new HashMap<>();

  private JcaCache(Provider provider) {
    this.provider = provider;
  }

  private static JcaCache current() {
    Provider provider = CryptoProviders.signing();
    JcaCache cache = CACHES.get();
    if (cache == null || cache.provider != provider) {
      cache = new JcaCache(provider);
      CACHES.set(cache);
    }
    return cache;
  }

  /**
   * This thread's {@code Signature} for a JCA algorithm name ({@code SHA256withECDSA}); the caller must
   * initialize it before every use and must not keep it across calls that may sign or verify.
   */
  public static Signature signature(String algorithm) throws NoSuchAlgorithmException {
    JcaCache cache = current();
    Signature signature = cache.signatures.get(algorithm);
    if (signature == null) {
      signature = Signature.getInstance(algorithm, cache.provider);
      cache.signatures.put(algorithm, signature);
    }
    return signature;
  }

  /** This thread's {@code KeyFactory} for {@code EC} or {@code RSA}. */
  public static KeyFactory keyFactory(String algorithm) throws NoSuchAlgorithmException {
    JcaCache cache = current();
    KeyFactory factory = cache.keyFactories.get(algorithm);
    if (factory == null) {
      factory = KeyFactory.getInstance(algorithm, cache.provider);
      cache.keyFactories.put(algorithm, factory);
    }
    return factory;
  }
}
