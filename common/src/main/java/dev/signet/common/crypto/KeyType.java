package dev.signet.common.crypto;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/** Key types SPIRE configures by name ({@code ec-p256} is the default everywhere). */
public enum KeyType {
  EC_P256("ec-p256"),
  EC_P384("ec-p384"),
  RSA_2048("rsa-2048"),
  RSA_4096("rsa-4096");

  private static final SecureRandom RANDOM = new SecureRandom();
  private final String configName;

  KeyType(String configName) {
    this.configName = configName;
  }

  /** The name used in HCL config, e.g. {@code ec-p256}. */
  public String configName() {
    return configName;
  }

  /** Parses a config name; throws naming the value and the allowed names. */
  public static KeyType fromConfigName(String name) {
    return Arrays.stream(values())
        .filter(t -> t.configName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unsupported key type \"" + name
            + "\" (supported: ec-p256, ec-p384, rsa-2048, rsa-4096)"));
  }

  /** Generates a fresh key pair of this type on the provider {@link CryptoProviders} chose. */
  public KeyPair generate() {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case EC_P256, EC_P384 -> {
          generator = KeyPairGenerator.getInstance("EC", CryptoProviders.signing());
          generator.initialize(new ECGenParameterSpec(this == EC_P256 ? "secp256r1" : "secp384r1"), RANDOM);
        }
        default -> {
          generator = KeyPairGenerator.getInstance("RSA", CryptoProviders.signing());
          generator.initialize(this == RSA_2048 ? 2048 : 4096, RANDOM);
        }
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(CryptoProviders.signing().getName() + " cannot generate " + configName + " keys", e);
    }
  }

  @Override
  public String toString() {
    return configName;
  }
}
