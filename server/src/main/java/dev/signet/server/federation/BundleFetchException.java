package dev.signet.server.federation;

/** A foreign bundle could not be fetched: unreachable endpoint, failed authentication, or a bad document. */
public final class BundleFetchException extends Exception {
  public BundleFetchException(String message) {
    super(message);
  }

  public BundleFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
