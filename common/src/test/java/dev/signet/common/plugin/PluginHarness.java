package dev.signet.common.plugin;

import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.PluginBlock;
import dev.signet.common.spiffe.TrustDomain;
import java.util.List;
import java.util.Map;

/**
 * Loads built-ins through their catalog from HCL text, the way a config file does ({@code validate} and
 * {@code run} alike), so a plugin test exercises the real parse, prefix and cardinality path.
 *
 * <pre>{@code
 * NodeAttestor attestor = PluginHarness.load(ServerNodeAttestors.CATALOG,
 *     "NodeAttestor \"tpm\" { plugin_data { ek_hashes = [\"…\"] } }").create(dependencies);
 * }</pre>
 */
public final class PluginHarness {
  /** The trust domain the harness gives plugins as core configuration. */
  public static final TrustDomain TRUST_DOMAIN = TrustDomain.parse("example.org");

  private PluginHarness() {}

  /** Configures the one plugin {@code declaration} declares (its text as inside {@code plugins { }}). */
  public static <D, T> ConfiguredPlugin<D, T> load(PluginCatalog<D, T> catalog, String declaration) {
    List<ConfiguredPlugin<D, T>> configured = loadAll(catalog, declaration);
    if (configured.size() != 1) {
      throw new IllegalArgumentException("expected one " + catalog.type() + ", got " + configured);
    }
    return configured.getFirst();
  }

  /** Configures built-in {@code name} of the catalog's type with {@code pluginData} as already parsed values. */
  public static <D, T> ConfiguredPlugin<D, T> load(PluginCatalog<D, T> catalog, String name,
      Map<String, Object> pluginData) {
    PluginBlock block = new PluginBlock(catalog.type(), name, ConfigSection.of("plugin_data", pluginData), true, "",
        List.of(), "", "");
    return catalog.configure(List.of(block), new CoreConfig(TRUST_DOMAIN)).getFirst();
  }

  /** Configures every plugin of the catalog's type among {@code declarations}. */
  public static <D, T> List<ConfiguredPlugin<D, T>> loadAll(PluginCatalog<D, T> catalog, String declarations) {
    HclDocument document = HclDocument.parse("plugins {\n" + declarations + "\n}\n", "plugin harness");
    return catalog.configure(document.root().plugins(), new CoreConfig(TRUST_DOMAIN));
  }

  /** {@code Type "name" { plugin_data { <body> } }} for {@code catalog}'s type. */
  public static String declaration(PluginCatalog<?, ?> catalog, String name, String pluginDataBody) {
    return catalog.type() + " \"" + name + "\" {\n  plugin_data {\n" + pluginDataBody + "\n  }\n}";
  }
}
