package dev.signet.controller.template;

/** A template that does not parse, or that cannot be rendered against the data of one workload. */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }
}
