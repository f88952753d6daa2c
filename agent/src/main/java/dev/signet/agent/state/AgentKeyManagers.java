package dev.signet.agent.state;

import dev.signet.common.config.ConfigSection;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.Cardinality;
import dev.signet.common.plugin.PluginCatalog;
import dev.signet.common.plugin.PluginData;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The agent's {@code KeyManager} catalog, exactly one: {@code "disk"} keeps the agent SVID, its key and the bundle
 * in the data directory, so they survive a restart (as SPIRE); {@code "memory"} keeps nothing. Created with the
 * agent's {@code data_dir}.
 */
public final class AgentKeyManagers {
  /** The catalog. */
  public static final PluginCatalog<Path, AgentStateStore> CATALOG = new PluginCatalog<>("KeyManager",
      Cardinality.EXACTLY_ONE, List.of(
          new BuiltIn<DiskConfig, Path, AgentStateStore>("disk", (data, core) -> DiskConfig.parse(data),
              (config, dataDir) -> AgentStateStore.disk(dataDir)),
          new BuiltIn<Void, Path, AgentStateStore>("memory", PluginData::none,
              (none, dataDir) -> AgentStateStore.memory())));

  private AgentKeyManagers() {}

  /**
   * The checked {@code plugin_data} of {@code KeyManager "disk"}.
   *
   * @param directory {@code directory} (required, as SPIRE)
   */
  public record DiskConfig(Path directory) {
    public DiskConfig {
      Objects.requireNonNull(directory, "directory");
    }

    static DiskConfig parse(ConfigSection data) {
      DiskConfig config = new DiskConfig(Path.of(data.requireString("directory")));
      PluginData.requireNoUnknownKeys(data);
      return config;
    }
  }
}
