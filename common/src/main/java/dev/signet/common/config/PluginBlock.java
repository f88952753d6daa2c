package dev.signet.common.config;

import java.util.List;
import java.util.Objects;

/**
 * One plugin declaration from a {@code plugins} block, e.g. {@code NodeAttestor "join_token" { plugin_data {} }}.
 * The plugin reads its own settings from {@link #data()} and reports {@code data().unknownKeys()} itself.
 *
 * @param type the plugin type, e.g. {@code NodeAttestor}
 * @param name the plugin name, e.g. {@code join_token}
 * @param data the {@code plugin_data} block (empty when absent)
 * @param enabled {@code enabled}; true unless set to false
 * @param pluginCmd {@code plugin_cmd}, the binary of an external plugin; empty for built-ins
 * @param pluginArgs {@code plugin_args}
 * @param pluginChecksum {@code plugin_checksum}; empty when absent
 * @param pluginDataFile {@code plugin_data_file}, a file holding the plugin data; empty when absent
 */
public record PluginBlock(String type, String name, ConfigSection data, boolean enabled, String pluginCmd,
    List<String> pluginArgs, String pluginChecksum, String pluginDataFile) {

  public PluginBlock {
    if (type == null || type.isEmpty() || name == null || name.isEmpty()) {
      throw new ConfigException("plugin type and name are required, got " + type + " \"" + name + "\"");
    }
    Objects.requireNonNull(data, "plugin data");
    pluginCmd = Objects.requireNonNullElse(pluginCmd, "");
    pluginArgs = List.copyOf(Objects.requireNonNullElse(pluginArgs, List.of()));
    pluginChecksum = Objects.requireNonNullElse(pluginChecksum, "");
    pluginDataFile = Objects.requireNonNullElse(pluginDataFile, "");
  }

  /** True for a plugin run as a separate binary ({@code plugin_cmd} set). */
  public boolean isExternal() {
    return !pluginCmd.isEmpty();
  }

  /** {@code Type "name"}, as SPIRE names a plugin in messages. */
  public String label() {
    return type + " \"" + name + "\"";
  }

  @Override
  public String toString() {
    return "PluginBlock[" + label() + (enabled ? "" : ", disabled") + (isExternal() ? ", cmd=" + pluginCmd : "") + "]";
  }
}
