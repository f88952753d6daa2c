package dev.signet.server.config;

import dev.signet.ca.keymanager.DiskKeyManager;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.ca.upstream.DiskUpstreamAuthority;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.common.config.ConfigException;
import dev.signet.server.upstream.SpireUpstreamAuthority;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.Cardinality;
import dev.signet.common.plugin.PluginCatalog;
import dev.signet.datastore.sql.SqlConfig;
import java.util.List;

/**
 * The server's catalogs besides its node attestors ({@code ServerNodeAttestors}): one {@code DataStore}, one
 * {@code KeyManager}, at most one {@code UpstreamAuthority}, with SPIRE's names.
 */
public final class ServerCatalogs {
  /**
   * {@code DataStore "sql"}: its {@code plugin_data} checked into the {@link SqlConfig} the server opens the store
   * with (the server owns the store's lifecycle, so create only hands the settings over).
   */
  public static final PluginCatalog<Void, SqlConfig> DATA_STORES = new PluginCatalog<>("DataStore",
      Cardinality.EXACTLY_ONE, List.of(new BuiltIn<SqlConfig, Void, SqlConfig>("sql", (data, core) -> {
        data.keys().forEach(data::accept); // checked, unknown keys included, by SqlConfig
        try {
          return SqlConfig.fromPluginData(data.asMap());
        } catch (ConfigException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage(), e);
        }
      }, (config, none) -> config)));
  /** {@code KeyManager "disk"} and {@code "memory"}. */
  public static final PluginCatalog<Void, KeyManager> KEY_MANAGERS = new PluginCatalog<>("KeyManager",
      Cardinality.EXACTLY_ONE, List.of(DiskKeyManager.DESCRIPTOR, MemoryKeyManager.DESCRIPTOR));
  /**
   * {@code UpstreamAuthority "disk"} and {@code "spire"} (nested topology: another server of the trust domain);
   * without one the CA is self-signed.
   */
  public static final PluginCatalog<Void, UpstreamAuthority> UPSTREAM_AUTHORITIES = new PluginCatalog<>(
      "UpstreamAuthority", Cardinality.AT_MOST_ONE,
      List.of(DiskUpstreamAuthority.DESCRIPTOR, SpireUpstreamAuthority.DESCRIPTOR));

  private ServerCatalogs() {}
}
