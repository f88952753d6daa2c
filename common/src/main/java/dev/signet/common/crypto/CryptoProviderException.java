package dev.signet.common.crypto;

/** The configured crypto provider cannot be used; the process must not start (fail closed). */
public final class CryptoProviderException extends RuntimeException {
  public CryptoProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
