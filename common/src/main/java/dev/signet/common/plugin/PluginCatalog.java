package dev.signet.common.plugin;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.PluginBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The built-ins of one plugin type with its cardinality rule: the one place a plugin name is spelled. Config
 * loaders call {@link #configure} for {@code validate} and {@code run} alike, so a bad {@code plugin_data} fails
 * both the same way; the process later calls {@link ConfiguredPlugin#create} on what it returned.
 *
 * @param <D> what the plugins of this type need from the process to be created
 * @param <T> the plugin interface
 */
public final class PluginCatalog<D, T> {
  private final String type;
  private final Cardinality cardinality;
  private final Map<String, PluginDescriptor<?, D, T>> builtIns = new LinkedHashMap<>();

  /** A catalog of {@code type} (as spelled in the config, e.g. {@code NodeAttestor}) holding {@code builtIns}. */
  public PluginCatalog(String type, Cardinality cardinality, List<? extends PluginDescriptor<?, D, T>> builtIns) {
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("plugin type is required");
    }
    this.type = type;
    this.cardinality = cardinality;
    for (PluginDescriptor<?, D, T> descriptor : builtIns) {
      if (this.builtIns.put(descriptor.name(), descriptor) != null) {
        throw new IllegalArgumentException(type + " \"" + descriptor.name() + "\" is built in twice");
      }
    }
  }

  /** The plugin type, e.g. {@code NodeAttestor}. */
  public String type() {
    return type;
  }

  /** The cardinality rule of this type. */
  public Cardinality cardinality() {
    return cardinality;
  }

  /** The names of the built-ins, in registration order. */
  public List<String> names() {
    return List.copyOf(builtIns.keySet());
  }

  /** The built-in called {@code name}, if this build has one. */
  public Optional<PluginDescriptor<?, D, T>> find(String name) {
    return Optional.ofNullable(builtIns.get(name));
  }

  /**
   * The prefix every error of plugin {@code name} carries once, SPIRE's style: {@code nodeattestor(aws_iid): }.
   */
  public String errorPrefix(String name) {
    return PluginErrors.prefix(type, name);
  }

  /**
   * Checks the blocks of this type among {@code blocks} (others are ignored; disabled and external ones must
   * have been filtered out by the caller): the cardinality, that each names a built-in, and each one's
   * {@code plugin_data} through its descriptor's pure {@code parse}.
   */
  public List<ConfiguredPlugin<D, T>> configure(List<PluginBlock> blocks, CoreConfig core) {
    List<PluginBlock> mine = blocks.stream().filter(block -> block.type().equals(type)).toList();
    cardinality.check(type, mine, requiredHint());
    List<ConfiguredPlugin<D, T>> configured = new ArrayList<>();
    for (PluginBlock block : mine) {
      PluginDescriptor<?, D, T> descriptor = find(block.name()).orElseThrow(() -> new ConfigException(
          "unknown " + block.label() + "; built in: " + String.join(", ", names())));
      configured.add(configure(descriptor, block, core));
    }
    return List.copyOf(configured);
  }

  /** As {@link #configure(List, CoreConfig)} for a type with {@link Cardinality#EXACTLY_ONE}. */
  public ConfiguredPlugin<D, T> configureOne(List<PluginBlock> blocks, CoreConfig core) {
    if (cardinality != Cardinality.EXACTLY_ONE) {
      throw new IllegalStateException(type + " is " + cardinality + ", not EXACTLY_ONE");
    }
    return configure(blocks, core).getFirst();
  }

  private <C> ConfiguredPlugin<D, T> configure(PluginDescriptor<C, D, T> descriptor, PluginBlock block,
      CoreConfig core) {
    String prefix = errorPrefix(block.name());
    C config = PluginErrors.wrap(prefix, () -> descriptor.parse(block.data(), core));
    return new ConfiguredPlugin<>(type, descriptor, config, prefix);
  }

  private String requiredHint() {
    if (builtIns.isEmpty()) {
      return "";
    }
    return builtIns.keySet().stream().map(name -> "\"" + name + "\"")
        .collect(Collectors.joining(" or ", " (" + type + " ", ")"));
  }
}
