package dev.signet.common.plugin;

import dev.signet.common.config.ConfigSection;

/**
 * One built-in plugin, as its catalog knows it: a name (SPIRE's), how to read its {@code plugin_data} and how to
 * make the plugin from what was read. The two stages are separate so that {@code validate} runs the same
 * {@link #parse} as {@code run} without touching the host.
 *
 * @param <C> the checked configuration {@link #parse} returns (an immutable value)
 * @param <D> what {@link #create} needs from the process (a datastore, a clock, a bundle source...)
 * @param <T> the plugin
 */
public interface PluginDescriptor<C, D, T> {

  /** SPIRE's plugin name, e.g. {@code aws_iid}. */
  String name();

  /**
   * Checks {@code plugin_data} into an immutable configuration. Pure: makes no client, opens no file or
   * connection, so {@code validate} can run it. Unknown keys and bad values are {@code ConfigException}s whose
   * message carries no plugin prefix: the catalog adds it.
   */
  C parse(ConfigSection data, CoreConfig core);

  /**
   * Reads what {@code config} names on this host (the files exist and hold what they should) without making the
   * plugin or any client, so that {@code validate} fails where {@code run} would; {@code create} performs the
   * same reads through the same code. Nothing to check by default.
   */
  default void checkHost(C config) {}

  /** Makes the plugin from a configuration {@link #parse} returned; here files are read and clients built. */
  T create(C config, D dependencies);

  /**
   * True for a node attestor whose evidence proves the node only once ({@code join_token}, SPIRE's
   * trust-on-first-use attestors): an agent attested with it never re-attests.
   */
  default boolean singleUse() {
    return false;
  }
}
