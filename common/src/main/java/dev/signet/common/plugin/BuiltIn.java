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
 * @param hostCheck see {@link PluginDescriptor#checkHost}
 */
public record BuiltIn<C, D, T>(String name, Parser<C> parser, Factory<C, D, T> factory, boolean singleUse,
    HostCheck<C> hostCheck) implements PluginDescriptor<C, D, T> {

  /** The pure stage: {@code plugin_data} and the core configuration to a checked configuration. */
  @FunctionalInterface
  public interface Parser<C> {
    C parse(ConfigSection data, CoreConfig core);
  }

  /** The host-reading check {@code validate} runs after {@code parse}. */
  @FunctionalInterface
  public interface HostCheck<C> {
    void check(C config);
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
    Objects.requireNonNull(hostCheck, "hostCheck");
  }

  /** A built-in with nothing on the host to check before it is created. */
  public BuiltIn(String name, Parser<C> parser, Factory<C, D, T> factory, boolean singleUse) {
    this(name, parser, factory, singleUse, config -> { });
  }

  /** A built-in whose agents may re-attest (or that is no node attestor). */
  public BuiltIn(String name, Parser<C> parser, Factory<C, D, T> factory) {
    this(name, parser, factory, false);
  }

  @Override
  public C parse(ConfigSection data, CoreConfig core) {
    return parser.parse(data, core);
  }

  /** This built-in with {@code check} as its {@link #checkHost} stage. */
  public BuiltIn<C, D, T> checkingHost(HostCheck<C> check) {
    return new BuiltIn<>(name, parser, factory, singleUse, check);
  }

  @Override
  public void checkHost(C config) {
    hostCheck.check(config);
  }

  @Override
  public T create(C config, D dependencies) {
    return factory.create(config, dependencies);
  }
}
