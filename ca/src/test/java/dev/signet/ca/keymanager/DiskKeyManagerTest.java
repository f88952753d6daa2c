package dev.signet.ca.keymanager;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.x509.CredentialValidator;
import dev.signet.common.crypto.KeyType;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DiskKeyManagerTest {
  @TempDir Path dir;

  @Test
  void keyFileIsOwnerOnlyAndNoTempFileIsLeft() throws Exception {
    Path keys = dir.resolve("keys.json");
    new DiskKeyManager(keys).generateKey("x509-CA-A", KeyType.EC_P256);

    assertThat(mode(keys)).isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(keys);
    }
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "RSA_2048"})
  void keysSurviveARestart(KeyType type) {
    Path keys = dir.resolve("keys.json");
    ManagedKey original = new DiskKeyManager(keys).generateKey("JWT-Signer-A", type);

    ManagedKey reloaded = new DiskKeyManager(keys).getKey("JWT-Signer-A").orElseThrow();

    assertThat(reloaded.type()).isEqualTo(type);
    assertThat(reloaded.privateKey().getEncoded()).isEqualTo(original.privateKey().getEncoded());
    assertThat(reloaded.publicKey().getEncoded()).isEqualTo(original.publicKey().getEncoded());
    CredentialValidator.validateKeyPair(reloaded.publicKey(), reloaded.privateKey());
  }

  @Test
  void generatingUnderAnExistingIdReplacesTheKeyOnDiskToo() {
    Path keys = dir.resolve("keys.json");
    DiskKeyManager manager = new DiskKeyManager(keys);
    ManagedKey first = manager.generateKey("x509-CA-B", KeyType.EC_P256);
    manager.generateKey("x509-CA-A", KeyType.EC_P256);
    ManagedKey second = manager.generateKey("x509-CA-B", KeyType.EC_P256);

    DiskKeyManager restarted = new DiskKeyManager(keys);
    assertThat(restarted.getKey("x509-CA-B").orElseThrow().publicKey().getEncoded())
        .isEqualTo(second.publicKey().getEncoded())
        .isNotEqualTo(first.publicKey().getEncoded());
    assertThat(restarted.getKey("x509-CA-A")).isPresent();
    assertThat(restarted.getKey("missing")).isEmpty();
  }

  @Test
  void toStringNeverPrintsKeyMaterial() throws Exception {
    Path keys = dir.resolve("keys.json");
    DiskKeyManager manager = new DiskKeyManager(keys);
    ManagedKey key = manager.generateKey("x509-CA-A", KeyType.EC_P256);
    String secret = Base64.getEncoder().encodeToString(key.privateKey().getEncoded());

    assertThat(Files.readString(keys)).contains(secret);
    assertThat(key.toString()).doesNotContain(secret).contains("x509-CA-A");
    assertThat(manager.toString()).doesNotContain(secret);
  }

  @Test
  void aMalformedKeyFileIsAnError() throws Exception {
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, "{\"keys\": {\"a\": {\"type\": \"ec-p256\", \"pkcs8\": \"AAAA\"}}}");

    assertThatThrownBy(() -> new DiskKeyManager(keys)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(keys.toString());
  }

  @Test
  void memoryKeyManagerKeepsAndReplacesKeys() {
    MemoryKeyManager manager = new MemoryKeyManager();
    ManagedKey first = manager.generateKey("k", KeyType.EC_P384);
    assertThat(manager.getKey("k")).contains(first);
    ManagedKey second = manager.generateKey("k", KeyType.EC_P256);
    assertThat(manager.getKey("k")).contains(second);
    assertThat(manager.name()).isEqualTo("memory");
  }
}
