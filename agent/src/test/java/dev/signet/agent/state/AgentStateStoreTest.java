package dev.signet.agent.state;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.files.ProcessUmask;
import dev.signet.common.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's persisted identity: file modes, atomic replacement, round trips. */
class AgentStateStoreTest {
  private static final TestCertificate.Issued CA = TestCertificate.ca("example.org").issue();

  @TempDir Path temp;

  private static AgentState state(boolean reattestable) {
    TestCertificate.Issued svid = TestCertificate.leaf("spiffe://example.org/spire/agent/join_token/t", CA).issue();
    return new AgentState(List.of(svid.certificate()), svid.keyPair().getPrivate(), List.of(CA.certificate()),
        reattestable);
  }

  @Test
  void savesWithAPrivateKeyFileAndAPrivateDirectoryAndLoadsItBack() throws Exception {
    Path dir = temp.resolve("data/agent");
    AgentStateStore store = AgentStateStore.disk(dir);
    assertThat(store.load()).isEmpty();
    AgentState saved = state(true);

    store.save(saved);

    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("agent_state.json"))).isEqualTo("rw-------");
    AgentState loaded = AgentStateStore.disk(dir).load().orElseThrow();
    assertThat(loaded.svidChain()).isEqualTo(saved.svidChain());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(saved.privateKey().getEncoded());
    assertThat(loaded.bundle()).isEqualTo(saved.bundle());
    assertThat(loaded.reattestable()).isTrue();
    String keyBase64 = java.util.Base64.getEncoder().encodeToString(saved.privateKey().getEncoded());
    assertThat(Files.readString(dir.resolve("agent_state.json"))).contains(keyBase64.substring(0, 40));
    assertThat(loaded.toString()).doesNotContain(keyBase64.substring(0, 40));
  }

  @Test
  void saveReplacesEveryFileAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
    AgentStateStore store = AgentStateStore.disk(temp);
    store.save(state(true));
    AgentState second = state(false);

    store.save(second);

    AgentState loaded = AgentStateStore.disk(temp).load().orElseThrow();
    assertThat(loaded.leaf()).isEqualTo(second.leaf());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(second.privateKey().getEncoded());
    assertThat(loaded.reattestable()).isFalse();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("agent_state.json");
    }
    assertThat(mode(temp.resolve("agent_state.json"))).isEqualTo("rw-------");
  }

  @Test
  void everyStateFileIsOwnerOnlyWhateverTheUmask() throws Exception {
    Path dir = temp.resolve("data");
    int umask = ProcessUmask.set(0);
    try {
      AgentStateStore.disk(dir).save(state(true));
    } finally {
      ProcessUmask.set(umask);
    }
    assertThat(mode(dir)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(1).allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
    }
    assertThat(AgentStateStore.secretFiles(dir)).contains(dir.resolve("agent_state.json"),
        dir.resolve("svid_cache.json"));
  }

  @Test
  void clearForgetsTheIdentityAndTheWorkloadSvids() throws Exception {
    AgentStateStore store = AgentStateStore.disk(temp);
    store.save(state(false));
    assertThat(store.svidCacheFile()).contains(temp.resolve("svid_cache.json"));
    Files.writeString(temp.resolve("svid_cache.json"), "{}");

    store.clear();

    assertThat(store.load()).isEmpty();
    assertThat(temp.resolve("agent_state.json")).doesNotExist();
    assertThat(temp.resolve("svid_cache.json")).doesNotExist();
    assertThat(AgentStateStore.memory().svidCacheFile()).isEmpty();
  }

  @Test
  void keyAndSvidAreOneFileSoACrashMidRotationLeavesAMatchingPair() throws Exception {
    AgentStateStore store = AgentStateStore.disk(temp);
    AgentState before = state(true);
    store.save(before);
    AgentState after = state(true);
    // a rotation interrupted after the new state was written to its temporary file, before the rename
    Files.write(temp.resolve(".agent_state.json123.tmp"), "{\"svid_chain\":".getBytes());

    AgentState loaded = AgentStateStore.disk(temp).load().orElseThrow();
    assertThat(loaded.leaf()).isEqualTo(before.leaf());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(before.privateKey().getEncoded());

    store.save(after);
    AgentState reloaded = AgentStateStore.disk(temp).load().orElseThrow();
    assertThat(reloaded.leaf()).isEqualTo(after.leaf());
    assertThat(reloaded.privateKey().getEncoded()).isEqualTo(after.privateKey().getEncoded());
  }

  @Test
  void theFourFileLayoutOfEarlierReleasesIsReadAndReplacedOnTheNextSave() throws Exception {
    AgentState legacy = state(true);
    Files.writeString(temp.resolve("agent_svid.pem"), dev.signet.common.bundle.PemCodec.encodeCertificates(
        legacy.svidChain()));
    Files.writeString(temp.resolve("agent_svid.key"), dev.signet.common.bundle.PemCodec.encodePrivateKey(
        legacy.privateKey()));
    Files.writeString(temp.resolve("bundle.pem"), dev.signet.common.bundle.PemCodec.encodeCertificates(
        legacy.bundle()));
    Files.writeString(temp.resolve("reattestable"), "true");
    AgentStateStore store = AgentStateStore.disk(temp);

    AgentState loaded = store.load().orElseThrow();
    assertThat(loaded.leaf()).isEqualTo(legacy.leaf());
    assertThat(loaded.reattestable()).isTrue();

    store.save(loaded);
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("agent_state.json");
    }
    assertThat(store.load().orElseThrow().leaf()).isEqualTo(legacy.leaf());
  }

  @Test
  void aDamagedStateFileIsAClearError() throws Exception {
    Files.writeString(temp.resolve("agent_state.json"), "{\"private_key\": 1}");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentStateStore.disk(temp).load())
        .hasMessageContaining("agent_state.json has no \"svid_chain\"");
  }

  @Test
  void theMemoryStoreWritesNothing() throws Exception {
    AgentStateStore store = AgentStateStore.memory();
    AgentState saved = state(false);
    store.save(saved);
    assertThat(store.load()).containsSame(saved);
    store.clear();
    assertThat(store.load()).isEmpty();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).isEmpty();
    }
  }
}
