package dev.signet.common.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.util.Optional;

/**
 * Amazon Corretto Crypto Provider: JCA over AWS-LC's native code. Usable only when its native library
 * loaded and its self-tests pass ({@code assertHealthy}); a provider that merely loaded is not enough.
 */
public final class AccpProvider implements NativeCryptoProvider {
  /** The one instance (ACCP is a process-wide singleton). */
  public static final AccpProvider INSTANCE = new AccpProvider();

  private AccpProvider() {}

  @Override
  public Optional<Throwable> loadingError() {
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      if (accp.getLoadingError() != null) {
        return Optional.of(accp.getLoadingError());
      }
      accp.assertHealthy();
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) { // a missing class or library surfaces as a LinkageError
      return Optional.of(e);
    }
  }

  @Override
  public Provider provider() {
    return AmazonCorrettoCryptoProvider.INSTANCE;
  }
}
