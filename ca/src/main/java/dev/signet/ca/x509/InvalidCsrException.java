package dev.signet.ca.x509;

/** A PKCS#10 CSR that cannot be used: malformed, badly signed, or carrying a weak or unsupported key. */
public final class InvalidCsrException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidCsrException(String message) {
    super(message);
  }

  public InvalidCsrException(String message, Throwable cause) {
    super(message, cause);
  }
}
