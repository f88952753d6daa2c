package dev.signet.common.plugin;

/**
 * A plugin block its catalog has checked: the built-in it names and the configuration its {@code parse}
 * returned. {@link #create} makes the plugin; errors of either stage carry the plugin's prefix once.
 *
 * @param <D> what the plugin needs from the process
 * @param <T> the plugin interface
 */
public final class ConfiguredPlugin<D, T> {
  private final String type;
  private final Bound<?, D, T> bound;
  private final String errorPrefix;

  <C> ConfiguredPlugin(String type, PluginDescriptor<C, D, T> descriptor, C config, String errorPrefix) {
    this.type = type;
    this.bound = new Bound<>(descriptor, config);
    this.errorPrefix = errorPrefix;
  }

  /** The plugin type, e.g. {@code NodeAttestor}. */
  public String type() {
    return type;
  }

  /** The plugin name, e.g. {@code aws_iid}. */
  public String name() {
    return bound.descriptor.name();
  }

  /** The parsed configuration (for tests and for plugins the process reads settings from). */
  public Object config() {
    return bound.config;
  }

  /** See {@link PluginDescriptor#singleUse()}. */
  public boolean singleUse() {
    return bound.descriptor.singleUse();
  }

  /** Runs the descriptor's {@link PluginDescriptor#checkHost} ({@code validate}); errors carry the prefix once. */
  public void checkHost() {
    PluginErrors.wrap(errorPrefix, () -> {
      bound.checkHost();
      return null;
    });
  }

  /** Makes the plugin; a {@code ConfigException} it throws carries the plugin's prefix once. */
  public T create(D dependencies) {
    return PluginErrors.wrap(errorPrefix, () -> bound.create(dependencies));
  }

  @Override
  public String toString() {
    return type + " \"" + name() + "\"";
  }

  private record Bound<C, D, T>(PluginDescriptor<C, D, T> descriptor, C config) {
    T create(D dependencies) {
      return descriptor.create(config, dependencies);
    }

    void checkHost() {
      descriptor.checkHost(config);
    }
  }
}
