package dev.signet.common.proto;

/** An API message that does not hold a valid value; servers answer it with INVALID_ARGUMENT. */
public class ProtoConversionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ProtoConversionException(String message) {
    super(message);
  }
}
