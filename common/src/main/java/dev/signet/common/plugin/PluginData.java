package dev.signet.common.plugin;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;

/** Checks on a plugin's {@code plugin_data} that every built-in shares. */
public final class PluginData {
  private PluginData() {}

  /** Refuses keys of {@code data} the plugin has not read, listing them. */
  public static void requireNoUnknownKeys(ConfigSection data) {
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
  }

  /** The parser of a plugin that takes no {@code plugin_data} at all (its configuration is {@code null}). */
  public static <C> C none(ConfigSection data, CoreConfig core) {
    requireNoUnknownKeys(data);
    return null;
  }
}
