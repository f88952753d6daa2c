package dev.signet.ca.keymanager;

import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.crypto.KeyType;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@code KeyManager "memory"}: keys live only as long as the process; a restart starts a new CA. */
public final class MemoryKeyManager implements KeyManager {
  /** The SPIRE plugin name. */
  public static final String NAME = "memory";
  /** The built-in as its catalog knows it: no {@code plugin_data}. */
  public static final PluginDescriptor<?, Void, KeyManager> DESCRIPTOR = new BuiltIn<Void, Void, KeyManager>(NAME,
      PluginData::none, (none, nothing) -> new MemoryKeyManager());
  private final ConcurrentMap<String, ManagedKey> keys = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ManagedKey generateKey(String id, KeyType type) {
    ManagedKey key = new ManagedKey(id, type, type.generate());
    keys.put(id, key);
    return key;
  }

  @Override
  public Optional<ManagedKey> getKey(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  @Override
  public String toString() {
    return "MemoryKeyManager[keys=" + keys.keySet() + "]";
  }
}
