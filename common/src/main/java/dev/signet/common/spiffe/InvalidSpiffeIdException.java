package dev.signet.common.spiffe;

/** A SPIFFE ID, trust domain or selector that does not follow the specification; the message names the value. */
public class InvalidSpiffeIdException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSpiffeIdException(String message) {
    super(message);
  }
}
