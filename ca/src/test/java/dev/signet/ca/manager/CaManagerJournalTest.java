package dev.signet.ca.manager;

import static dev.signet.common.testing.FileModes.mode;
import static dev.signet.ca.manager.CaManagerRotationTest.T0;
import static dev.signet.ca.manager.CaManagerRotationTest.TD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.CaException;
import dev.signet.ca.keymanager.DiskKeyManager;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.common.time.ManualClock;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaManagerJournalTest {
  @TempDir Path dataDir;
  final ManualClock clock = new ManualClock(T0);
  final InMemoryBundleStore bundles = new InMemoryBundleStore(TD);

  CaManager open() {
    return new CaManager(CaConfig.defaults(TD), new DiskKeyManager(dataDir.resolve("keys.json")), null,
        new FileJournalStore(dataDir), bundles, clock);
  }

  @Test
  void aRestartResumesWithTheSameKeysAndSlots() throws Exception {
    CaManager before = open();
    before.rotate();
    clock.set(T0.plus(Duration.ofHours(12)));
    before.rotate();

    CaManager after = open();

    assertThat(after.currentX509Authority().authorityId()).isEqualTo(before.currentX509Authority().authorityId());
    assertThat(after.currentX509Authority().privateKey().getEncoded())
        .isEqualTo(before.currentX509Authority().privateKey().getEncoded());
    assertThat(after.currentX509Authority().certificate()).isEqualTo(before.currentX509Authority().certificate());
    assertThat(after.currentJwtAuthority().keyId()).isEqualTo(before.currentJwtAuthority().keyId());
    assertThat(after.currentJwtAuthority().privateKey().getEncoded())
        .isEqualTo(before.currentJwtAuthority().privateKey().getEncoded());
    assertThat(after.x509AuthorityStates()).isEqualTo(before.x509AuthorityStates());
    assertThat(after.jwtAuthorityStates()).isEqualTo(before.jwtAuthorityStates());
    assertThat(after.rotate()).isFalse();

    String prepared = before.x509AuthorityStates().get(1).authorityId();
    clock.set(T0.plus(Duration.ofHours(20)));
    assertThat(after.rotate()).isTrue();
    assertThat(after.currentX509Authority().authorityId()).isEqualTo(prepared);
    assertThat(mode(dataDir.resolve(FileJournalStore.FILE_NAME)))
        .isEqualTo("rw-------");
  }

  @Test
  void aCrashBeforeTheJournalIsSavedKeepsThePreviousState() {
    CaManager before = open();
    before.rotate();
    clock.set(T0.plus(Duration.ofHours(12)));
    before.rotate();
    String active = before.currentX509Authority().authorityId();

    // a second prepare overwrites key x509-CA-B, then "crashes" before the journal is saved
    FileJournalStore real = new FileJournalStore(dataDir);
    CaManager crashing = new CaManager(CaConfig.defaults(TD), new DiskKeyManager(dataDir.resolve("keys.json")), null,
        new JournalStore() {
          @Override
          public Optional<byte[]> load() {
            return real.load();
          }

          @Override
          public void save(byte[] journal) {
            throw new UncheckedIOException(new java.io.IOException("disk full"));
          }
        }, bundles, clock);
    assertThatThrownBy(crashing::prepareX509Authority).isInstanceOfSatisfying(CaException.class,
        e -> assertThat(e.kind()).isEqualTo(CaException.Kind.UNAVAILABLE)).hasMessageContaining("disk full");
    assertThat(crashing.x509AuthorityStates()).hasSize(2);

    CaManager after = open();
    assertThat(after.currentX509Authority().authorityId()).isEqualTo(active);
    // the journaled prepared CA no longer matches key x509-CA-B, so it is dropped and prepared again
    assertThat(after.x509AuthorityStates()).extracting(AuthorityState::status).containsExactly(AuthorityStatus.ACTIVE);
    assertThat(after.rotate()).isTrue();
    assertThat(after.x509AuthorityStates()).extracting(AuthorityState::status)
        .containsExactly(AuthorityStatus.ACTIVE, AuthorityStatus.PREPARED);
  }

  @Test
  void aMemoryKeyManagerStartsOverAfterARestart() {
    InMemoryJournalStore journal = new InMemoryJournalStore();
    CaManager before = new CaManager(CaConfig.defaults(TD), new MemoryKeyManager(), null, journal, bundles, clock);
    before.rotate();

    CaManager after = new CaManager(CaConfig.defaults(TD), new MemoryKeyManager(), null, journal, bundles, clock);
    assertThat(after.currentX509Authority()).isNull();
    after.rotate();
    assertThat(after.currentX509Authority().authorityId()).isNotEqualTo(before.currentX509Authority().authorityId());
  }

  @Test
  void aMalformedJournalIsAnError() throws Exception {
    Files.writeString(dataDir.resolve(FileJournalStore.FILE_NAME), "{\"version\": 7, \"authorities\": []}");
    assertThatThrownBy(this::open).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 7");
  }
}
