package dev.signet.common.svid;

/**
 * An SVID that must not be accepted: malformed, outside the spec, not signed by the subject's trust
 * domain, expired, or meant for another audience. The message names the offending value; callers map it
 * to PERMISSION_DENIED or INVALID_ARGUMENT as the API requires.
 */
public class SvidValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SvidValidationException(String message) {
    super(message);
  }

  public SvidValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
