package dev.signet.common.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads SPIRE plugin declarations: {@code plugins { Type "name" { plugin_cmd, plugin_args, plugin_checksum,
 * plugin_data | plugin_data_file, enabled } }}. Several plugins of one type ({@code NodeAttestor "join_token"}
 * and {@code NodeAttestor "x509pop"}) are fine; the same type and name twice, an unnamed declaration, an
 * unknown key in a declaration, or both {@code plugin_data} and {@code plugin_data_file} are errors.
 */
final class PluginBlocks {
  private static final Set<String> DECLARATION_KEYS =
      Set.of("plugin_cmd", "plugin_args", "plugin_checksum", "plugin_data", "plugin_data_file", "enabled");

  private PluginBlocks() {}

  static List<PluginBlock> parse(List<ConfigSection> pluginsBlocks) {
    List<PluginBlock> plugins = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConfigSection block : pluginsBlocks) {
      for (String type : block.keys()) {
        if (block.asMap().get(type) instanceof Map<?, ?> names
            && names.keySet().stream().anyMatch(DECLARATION_KEYS::contains)) {
          throw new ConfigException(block.qualified(type) + ": a plugin needs a name, as in " + type
              + " \"name\" { plugin_data { … } }");
        }
        block.labelledSections(type).forEach((name, declaration) -> {
          PluginBlock plugin = declaration(type, name, declaration);
          if (!seen.add(plugin.label())) {
            throw new ConfigException("plugin " + plugin.label() + " is declared twice");
          }
          plugins.add(plugin);
        });
      }
    }
    return List.copyOf(plugins);
  }

  /**
   * {@code plugin_data { … }}, or {@code plugin_data = "…"} / a heredoc holding the same HCL as text (SPIRE hands
   * either form to the plugin as HCL).
   */
  private static Map<String, Object> pluginData(ConfigSection declaration) {
    if (declaration.asMap().get("plugin_data") instanceof String text) {
      declaration.accept("plugin_data");
      return HclDocument.parse(text, declaration.qualified("plugin_data")).tree();
    }
    return declaration.getMap("plugin_data");
  }

  private static PluginBlock declaration(String type, String name, ConfigSection declaration) {
    String where = "plugin " + type + " \"" + name + "\"";
    if (declaration.has("plugin_data") && declaration.has("plugin_data_file")) {
      throw new ConfigException(where + ": plugin_data and plugin_data_file are mutually exclusive");
    }
    // plugin_data is read as a detached section: its keys belong to the plugin, which reports its own.
    ConfigSection data = ConfigSection.of(declaration.qualified("plugin_data"), pluginData(declaration));
    PluginBlock plugin = new PluginBlock(type, name, data, declaration.getBool("enabled", true),
        declaration.getString("plugin_cmd", ""), declaration.getList("plugin_args"),
        declaration.getString("plugin_checksum", ""), declaration.getString("plugin_data_file", ""));
    List<String> unknown = declaration.unknownKeys();
    if (!unknown.isEmpty()) {
      throw new ConfigException(where + ": unknown " + (unknown.size() == 1 ? "key " : "keys ") + unknown);
    }
    return plugin;
  }
}
