package dev.signet.common.bundle;

/** A trust bundle document (JWKS or PEM) that cannot be read; the message names the offending element. */
public class BundleFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BundleFormatException(String message) {
    super(message);
  }

  public BundleFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
