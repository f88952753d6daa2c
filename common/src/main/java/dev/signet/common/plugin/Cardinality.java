package dev.signet.common.plugin;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.PluginBlock;
import java.util.List;

/** How many blocks of one plugin type a configuration may hold (SPIRE's catalog constraints). */
public enum Cardinality {
  /** One and only one, e.g. {@code DataStore}, {@code KeyManager}, the agent's {@code NodeAttestor}. */
  EXACTLY_ONE(1, 1),
  /** None or one, e.g. {@code UpstreamAuthority}. */
  AT_MOST_ONE(0, 1),
  /** At least one, e.g. the server's {@code NodeAttestor}s, the agent's {@code WorkloadAttestor}s. */
  AT_LEAST_ONE(1, Integer.MAX_VALUE),
  /** Any number. */
  ANY(0, Integer.MAX_VALUE);

  private final int min;
  private final int max;

  Cardinality(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /** Refuses {@code blocks} (all of {@code type}) when there are too few or too many. */
  void check(String type, List<PluginBlock> blocks, String requiredHint) {
    if (blocks.size() < min) {
      throw new ConfigException(min == 1 && max == 1
          ? "a " + type + " plugin is required" + requiredHint
          : "at least one " + type + " plugin is required" + requiredHint);
    }
    if (blocks.size() > max) {
      throw new ConfigException("only one " + type + " plugin may be configured, found " + blocks.get(0).label()
          + " and " + blocks.get(1).label());
    }
  }
}
