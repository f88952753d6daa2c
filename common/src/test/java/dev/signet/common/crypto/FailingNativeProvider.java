package dev.signet.common.crypto;

import java.security.Provider;
import java.util.Optional;

/** A native provider whose library cannot load, as on another libc or CPU. */
public final class FailingNativeProvider implements NativeCryptoProvider {
  /** The loading error it reports. */
  public static final String ERROR = "java.lang.UnsatisfiedLinkError: no amazonCorrettoCryptoProvider in test";

  @Override
  public Optional<Throwable> loadingError() {
    return Optional.of(new UnsatisfiedLinkError(ERROR.substring(ERROR.indexOf(": ") + 2)));
  }

  @Override
  public Provider provider() {
    throw new AssertionError("a provider that failed to load must not be asked for");
  }
}
