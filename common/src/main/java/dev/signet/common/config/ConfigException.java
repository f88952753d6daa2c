package dev.signet.common.config;

/**
 * A configuration that cannot be used: a syntax error (with its line), a value of the wrong type, or an
 * unknown key. The message names the key path, e.g. {@code server.bind_port}, and quotes the value.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
