package dev.signet.common.config;

/**
 * SPIRE's {@code experimental.named_pipe_name}, the Windows named pipe that replaces {@code socket_path} there.
 * Signet runs on Linux, where SPIRE refuses a set named pipe (its {@code *_windows.conf} examples fail to start
 * on Linux); Signet refuses it the same way and with SPIRE's wording, rather than serving on a socket path the
 * operator did not choose. An empty value is accepted, as SPIRE accepts it.
 */
public final class NamedPipeName {
  /** The key inside an {@code experimental} block. */
  public static final String KEY = "named_pipe_name";

  private NamedPipeName() {}

  /** Throws when {@code value}, the key's value in {@code section}'s ({@code server}, {@code agent}) block, names a pipe. */
  public static void refuseIfSet(String section, Object value) {
    if (value != null && !value.toString().isBlank()) {
      throw new ConfigException(section + ".experimental." + KEY + " \"" + value + "\" is not supported in this "
          + "platform; please use socket_path instead");
    }
  }
}
