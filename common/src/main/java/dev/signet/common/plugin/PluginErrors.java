package dev.signet.common.plugin;

import dev.signet.common.config.ConfigException;
import java.util.Locale;
import java.util.function.Supplier;

/** The one place plugin errors get their {@code <type lower-case>(<name>): } prefix. */
final class PluginErrors {
  private PluginErrors() {}

  static String prefix(String type, String name) {
    return type.toLowerCase(Locale.ROOT) + "(" + name + "): ";
  }

  /** Runs {@code stage}; a {@code ConfigException} from it is rethrown with {@code prefix}, never twice. */
  static <R> R wrap(String prefix, Supplier<R> stage) {
    try {
      return stage.get();
    } catch (ConfigException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith(prefix)) {
        throw e;
      }
      throw new ConfigException(prefix + message, e);
    }
  }
}
