package dev.signet.common.crypto;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which JCA provider signs, verifies and makes keys, set by {@code crypto_provider} in the {@code server{}}
 * and {@code agent{}} blocks.
 *
 * <p>Security decision: the CA's private key must not depend on unaudited arithmetic, so only vetted
 * providers are offered: Amazon Corretto Crypto Provider (AWS-LC, FIPS-validated lineage, native) and
 * BouncyCastle (pure Java) as the fallback where ACCP's native library cannot load.
 */
public enum CryptoProviderMode {
  /** ACCP when its native library loads and passes its self-tests, else BouncyCastle with a warning (default). */
  AUTO("auto"),
  /** ACCP or nothing: the process refuses to start when ACCP cannot load (fail closed). */
  ACCP("accp"),
  /** BouncyCastle, never ACCP (platforms where the native library is unwanted; tests of the fallback). */
  BOUNCYCASTLE("bouncycastle");

  /** The config key in {@code server{}} and {@code agent{}}. */
  public static final String CONFIG_KEY = "crypto_provider";

  private final String configName;

  CryptoProviderMode(String configName) {
    this.configName = configName;
  }

  /** The name used in HCL config. */
  public String configName() {
    return configName;
  }

  /** Parses a config name; throws naming the value and the allowed names. */
  public static CryptoProviderMode fromConfigName(String name) {
    String wanted = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.configName.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(CONFIG_KEY + " \"" + name
            + "\" is not one of auto, accp, bouncycastle"));
  }

  @Override
  public String toString() {
    return configName;
  }
}
