package dev.signet.ca.keymanager;

import dev.signet.common.config.ConfigSection;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.signet.common.files.AtomicFiles;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.crypto.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.signet.common.crypto.CryptoProviders;
import java.security.Provider;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * {@code KeyManager "disk"}: keys are kept in memory and in the JSON file {@code keys_path}
 * ({@code {"keys": {"<id>": {"type": "ec-p256", "pkcs8": "<base64>"}}}}). Every change rewrites the whole
 * file through {@link AtomicFiles} (temp file created 0600, fsync, atomic rename), so the file is never
 * readable by others and a crash leaves either the previous or the new set of keys. Keys survive restarts.
 */
public final class DiskKeyManager implements KeyManager {
  /** The SPIRE plugin name. */
  public static final String NAME = "disk";
  /** The built-in as its catalog knows it: {@code plugin_data { keys_path }}; the file is read by create. */
  public static final PluginDescriptor<?, Void, KeyManager> DESCRIPTOR = new BuiltIn<Config, Void, KeyManager>(NAME,
      (data, core) -> Config.parse(data), (config, none) -> new DiskKeyManager(config.keysPath()));

  /**
   * The checked {@code plugin_data}.
   *
   * @param keysPath {@code keys_path}: the file holding the keys
   */
  public record Config(Path keysPath) {
    public Config {
      Objects.requireNonNull(keysPath, "keys_path");
    }

    static Config parse(ConfigSection data) {
      Config config = new Config(Path.of(data.requireString("keys_path")));
      PluginData.requireNoUnknownKeys(data);
      return config;
    }
  }
  private final Path keysPath;
  private final Map<String, ManagedKey> keys = new LinkedHashMap<>();

  /** Opens (or will create) the key file; throws {@link UncheckedIOException} when it cannot be read. */
  public DiskKeyManager(Path keysPath) {
    this.keysPath = Objects.requireNonNull(keysPath, "disk key manager keys_path is missing");
    try {
      load();
    } catch (IOException e) {
      throw new UncheckedIOException("disk: cannot read keys_path " + keysPath + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The file the keys are kept in. */
  public Path keysPath() {
    return keysPath;
  }

  @Override
  public synchronized ManagedKey generateKey(String id, KeyType type) {
    ManagedKey key = new ManagedKey(id, type, type.generate());
    Map<String, ManagedKey> next = new LinkedHashMap<>(keys);
    next.put(id, key);
    try {
      AtomicFiles.write(keysPath, encode(next));
    } catch (IOException e) {
      throw new UncheckedIOException("disk: cannot write keys_path " + keysPath + ": " + e.getMessage(), e);
    }
    keys.put(id, key);
    return key;
  }

  @Override
  public synchronized Optional<ManagedKey> getKey(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  private void load() throws IOException {
    String json;
    try {
      json = Files.readString(keysPath, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    }
    try {
      Map<String, Object> entries = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(json), "keys");
      if (entries == null) {
        throw new IOException("no \"keys\" object");
      }
      for (var entry : entries.entrySet()) {
        keys.put(entry.getKey(), decode(entry.getKey(), (Map<?, ?>) entry.getValue()));
      }
    } catch (ParseException | ClassCastException | IllegalArgumentException e) {
      throw new IOException("malformed key file: " + e.getMessage(), e);
    }
  }

  private static ManagedKey decode(String id, Map<?, ?> entry) throws IOException {
    KeyType type = KeyType.fromConfigName(String.valueOf(entry.get("type")));
    PrivateKey privateKey = DerCodec.parsePrivateKey(Base64.getDecoder().decode(String.valueOf(entry.get("pkcs8"))));
    try {
      return new ManagedKey(id, type, new KeyPair(publicKeyOf(privateKey), privateKey));
    } catch (GeneralSecurityException e) {
      throw new IOException("key \"" + id + "\": cannot derive its public key: " + e.getMessage(), e);
    }
  }

  /** PKCS#8 keeps no public key for us to trust blindly, so it is recomputed from the private key. */
  static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
    return switch (key) {
      case RSAPrivateCrtKey rsa -> KeyFactory.getInstance("RSA", CryptoProviders.signing())
          .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      case ECPrivateKey ec -> {
        // BouncyCastle's provider is built on first use (~100 ms), not when this class loads with the config
        Provider bc = CryptoProviders.bouncyCastle();
        var bcKey = (org.bouncycastle.jce.interfaces.ECPrivateKey) KeyFactory.getInstance("EC", bc)
            .generatePrivate(new PKCS8EncodedKeySpec(ec.getEncoded()));
        var spec = bcKey.getParameters();
        PublicKey bcPublic = KeyFactory.getInstance("EC", bc)
            .generatePublic(new ECPublicKeySpec(spec.getG().multiply(bcKey.getD()).normalize(), spec));
        yield KeyFactory.getInstance("EC", CryptoProviders.signing()).generatePublic(new X509EncodedKeySpec(bcPublic.getEncoded()));
      }
      default -> throw new GeneralSecurityException("unsupported " + key.getAlgorithm() + " key");
    };
  }

  private static byte[] encode(Map<String, ManagedKey> keys) {
    Map<String, Object> entries = new LinkedHashMap<>();
    keys.forEach((id, key) -> entries.put(id, Map.of("type", key.type().configName(),
        "pkcs8", Base64.getEncoder().encodeToString(key.privateKey().getEncoded()))));
    return JSONObjectUtils.toJSONString(Map.of("keys", entries)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized String toString() {
    return "DiskKeyManager[keysPath=" + keysPath + ", keys=" + keys.keySet() + "]";
  }
}
