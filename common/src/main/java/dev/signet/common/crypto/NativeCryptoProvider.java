package dev.signet.common.crypto;

import java.security.Provider;
import java.util.Optional;

/**
 * A native JCA provider that may fail to load (another libc, another CPU, a missing library). The seam lets
 * tests exercise the fallback and the fail-closed mode without breaking the real library.
 */
public interface NativeCryptoProvider {
  /** Why the provider cannot be used (its loading error or a failed self-test), or empty when it is usable. */
  Optional<Throwable> loadingError();

  /** The provider; called only when {@link #loadingError()} is empty. */
  Provider provider();
}
