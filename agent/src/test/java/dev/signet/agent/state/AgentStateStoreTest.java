package dev.signet.agent.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.files.ProcessUmask;
import dev.signet.common.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void savesWithAPrivateKeyFileAndAPrivateDirectoryAndLoadsItBack() throws Exception {
    Path dir = temp.resolve("data/agent");
    AgentStateStore store = AgentStateStore.disk(dir);
    assertThat(store.load()).isEmpty();
    AgentState saved = state(true);

    store.save(saved);

    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("agent_svid.key"))).isEqualTo("rw-------");
    AgentState loaded = AgentStateStore.disk(dir).load().orElseThrow();
    assertThat(loaded.svidChain()).isEqualTo(saved.svidChain());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(saved.privateKey().getEncoded());
    assertThat(loaded.bundle()).isEqualTo(saved.bundle());
    assertThat(loaded.reattestable()).isTrue();
    assertThat(loaded.toString()).doesNotContain(Files.readString(dir.resolve("agent_svid.key")).lines()
        .skip(1).findFirst().orElseThrow());
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
          .containsExactlyInAnyOrder("agent_svid.pem", "agent_svid.key", "bundle.pem", "reattestable");
    }
    assertThat(mode(temp.resolve("agent_svid.key"))).isEqualTo("rw-------");
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
      assertThat(files).hasSize(4).allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
    }
    assertThat(AgentStateStore.secretFiles(dir)).containsExactly(dir.resolve("agent_svid.key"));
  }

  @Test
  void clearForgetsTheIdentity() {
    AgentStateStore store = AgentStateStore.disk(temp);
    store.save(state(false));

    store.clear();

    assertThat(store.load()).isEmpty();
    assertThat(temp.resolve("agent_svid.key")).doesNotExist();
    assertThat(temp.resolve("agent_svid.pem")).doesNotExist();
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
