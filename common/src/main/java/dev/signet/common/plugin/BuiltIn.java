package dev.signet.common.plugin;

import dev.signet.common.config.ConfigSection;
import java.util.Objects;

/**
 * A {@link PluginDescriptor} made of two functions, the usual way a built-in exports itself.
 *
 * @param name SPIRE's plugin name
 * @param parser the pure {@code plugin_data} check
 * @param factory makes the plugin from the parsed configuration
 * @param singleUse see {@link PluginDescriptor#singleUse()}
 */
public record BuiltIn<C, D, T>(String name, Parser<C> parser, Factory<C, D, T> factory, boolean singleUse)
    implements PluginDescriptor<C, D, T> {

  /** The pure stage: {@code plugin_data} and the core configuration to a checked configuration. */
  @FunctionalInterface
  public interface Parser<C> {
    C parse(ConfigSection data, CoreConfig core);
  }

  /** The creating stage. */
  @FunctionalInterface
  public interface Factory<C, D, T> {
    T create(C config, D dependencies);
  }

  public BuiltIn {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("plugin name is required");
    }
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(factory, "factory");
  }

  /** A built-in whose agents may re-attest (or that is no node attestor). */
  public BuiltIn(String name, Parser<C> parser, Factory<C, D, T> factory) {
    this(name, parser, factory, false);
  }

  @Override
  public C parse(ConfigSection data, CoreConfig core) {
    return parser.parse(data, core);
  }

  @Override
  public T create(C config, D dependencies) {
    return factory.create(config, dependencies);
  }
}
