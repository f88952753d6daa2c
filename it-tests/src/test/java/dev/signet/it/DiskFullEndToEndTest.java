package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 6 of issue 15: the disk under the server's data dir (SQLite store, CA journal, keys) and its audit
 * trail fills up for real: a small tmpfs ({@link TmpfsMount}) that a filler file fills until ENOSPC. While it
 * is full, every write the server is asked for is either refused with a status a client retries
 * (RESOURCE_EXHAUSTED for a store that is out of space, UNAVAILABLE for a fail-closed audit trail; never
 * INTERNAL) or acknowledged and kept; once the filler is deleted, writes resume without a restart; a fresh
 * server on the same data dir holds every acknowledged entry exactly once and no refused one, and the audit
 * chain verifies.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DiskFullEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  /** Room for the store, the journal, the keys and the trail, and a filler: a few MiB. */
  private static final int DISK_KIB = 12 * 1024;
  private static final String FILLER = "filler";
  private static final String NODE = SignetServer.id("/node/disk-full");
  /** The codes a client may see for a write refused on a full disk. */
  private static final Set<Status.Code> REFUSALS = Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNAVAILABLE);

  private final Workspace workspace = new Workspace("disk-full");
  private final int uid = Uids.current();
  private TmpfsMount disk;
  private SignetServer server;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @AfterEach
  void unmount() {
    try {
      workspace.processes().forEach(RunningProcess::stop); // nothing may hold the mount
    } finally {
      try {
        if (disk != null) {
          disk.close();
        }
      } finally {
        workspace.close();
      }
    }
  }

  /**
   * Default (fail-open) audit: the store refuses writes RESOURCE_EXHAUSTED, an agent keeps getting SVIDs for
   * its stored entry (signing needs no disk), and everything resumes when there is room again.
   */
  @Test
  void fullDiskRefusesStoreWritesCleanlyKeepsIssuingAndResumes() {
    disk = TmpfsMount.mount(workspace.path("server"), DISK_KIB);
    server = new SignetServer(workspace).start();
    SignetAgent agent = new SignetAgent(workspace, server, "agent").attestAndStart(NODE);
    String workload = SignetServer.id("/disk-full/workload");
    // a short TTL, so the agent renews the SVID while the disk is full
    server.createEntry(NODE, workload, "unix:uid:" + uid, "-x509SVIDTTL", "20");
    String before = Poll.value("the agent serves " + workload, Duration.ofSeconds(60),
        () -> validUntil(agent, workload));

    Writes writes = new Writes();
    for (int i = 0; i < 5; i++) {
      writes.createEntry("/before/" + i);
    }
    assertThat(writes.refused).as("writes before the disk fills").isEmpty();

    long filled = disk.fill(FILLER);
    System.out.printf("disk full: %d KiB filler, %d bytes left%n", filled / 1024, disk.usable());
    createUntilRefused(writes, "/full/");
    writes.joinToken();
    writes.prepareAuthority();
    writes.assertRefusalsClean();
    assertThat(writes.refused).as("entry creates refused for lack of space")
        .anySatisfy(r -> assertThat(r.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    String renewed = Poll.value("the agent renews " + workload + " on a full disk", Duration.ofSeconds(90),
        () -> validUntil(agent, workload).filter(until -> !until.equals(before)));
    System.out.printf("disk full: the agent's SVID renewed (valid until %s, was %s)%n", renewed, before);

    resumeAndCheck(writes);
  }

  /**
   * {@code audit_log_fail_closed = true}: with less than the trail's reserve free, every audited change is
   * refused UNAVAILABLE before it runs, so the store is never written without its trace.
   */
  @Test
  void fullDiskUnderFailClosedAuditRefusesChangesAndResumes() {
    disk = TmpfsMount.mount(workspace.path("server"), DISK_KIB);
    server = new SignetServer(workspace).withServerBlocks("    audit_log_fail_closed = true").start();
    Writes writes = new Writes();
    for (int i = 0; i < 5; i++) {
      writes.createEntry("/before/" + i);
    }
    assertThat(writes.refused).as("writes before the disk fills").isEmpty();

    disk.fill(FILLER);
    for (int i = 0; i < 5; i++) {
      writes.createEntry("/full/" + i);
    }
    writes.joinToken();
    writes.prepareAuthority();
    writes.assertRefusalsClean();
    assertThat(writes.refused).as("every change refused by the fail-closed trail").hasSize(7)
        .allSatisfy(r -> {
          assertThat(r.code()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(r.message()).contains("audit trail");
        });

    resumeAndCheck(writes);
  }

  /** Creates entries until the first is refused (the store may still fit a few in pages it already has). */
  private void createUntilRefused(Writes writes, String prefix) {
    for (int i = 0; i < 500 && writes.refused.isEmpty(); i++) {
      writes.createEntry(prefix + i);
    }
    assertThat(writes.refused).as("a write refused within 500 creates on a full disk").isNotEmpty();
    for (int i = 0; i < 3; i++) { // and it stays refused
      writes.createEntry(prefix + "again/" + i);
    }
  }

  /**
   * Frees the disk; writes must resume without a restart. Then a fresh server on the same data dir: every
   * acknowledged entry once, no refused one, and the audit trail verifies against its key and anchor.
   */
  private void resumeAndCheck(Writes writes) {
    disk.free(FILLER);
    Poll.until("an entry create succeeding once the disk has room", Duration.ofSeconds(60),
        () -> writes.createEntry("/after/" + System.nanoTime()));
    assertThat(writes.joinToken()).as("a join token once the disk has room").isTrue();

    assertThat(server.stop()).as("server exit code after SIGTERM").isZero();
    server.start();
    Map<String, Integer> stored = new HashMap<>();
    for (JsonNode entry : SignetServer.json(server.admin("entry", "show", "-output", "json").requireOk())
        .path("entries")) {
      String id = "spiffe://" + entry.path("spiffe_id").path("trust_domain").asText()
          + entry.path("spiffe_id").path("path").asText();
      stored.merge(id, 1, Integer::sum);
    }
    for (String acknowledged : writes.acknowledged) {
      assertThat(stored.get(acknowledged)).as("acknowledged entry %s stored exactly once", acknowledged).isEqualTo(1);
    }
    for (Refusal refused : writes.refused) {
      if (refused.spiffeId() != null) {
        assertThat(stored).as("refused entry %s not stored", refused.spiffeId()).doesNotContainKey(refused.spiffeId());
      }
    }
    Distribution.run(Duration.ofSeconds(60), List.of(Distribution.get().serverBin(), "audit", "verify",
        "-path", server.dataDir().resolve("audit.log").toString(),
        "-key", server.dataDir().resolve("audit.key").toString())).requireOk();
    System.out.printf("disk full: %d writes acknowledged and kept once, %d refused (%s), audit trail verified%n",
        writes.acknowledged.size(), writes.refused.size(), writes.refusalCodes());
  }

  /** The "SVID Valid Until" the agent's Workload API shows for {@code spiffeId}, if it serves it. */
  private static Optional<String> validUntil(SignetAgent agent, String spiffeId) {
    CommandResult fetch = agent.fetchX509(null);
    String out = fetch.stdout();
    int at = out.indexOf("SPIFFE ID:\t\t" + spiffeId);
    if (!fetch.ok() || at < 0) {
      return Optional.empty();
    }
    int until = out.indexOf("SVID Valid Until:", at);
    return until < 0 ? Optional.empty() : Optional.of(out.substring(until, out.indexOf('\n', until)));
  }

  /** A write refused: what it was, the SPIFFE ID it would have stored, and the status the server chose. */
  private record Refusal(String what, String spiffeId, Status.Code code, String message) {}

  /** The writes the test asks for, sorted into acknowledged (to be found later) and refused. */
  private final class Writes {
    final List<String> acknowledged = new ArrayList<>();
    final List<Refusal> refused = new ArrayList<>();

    /** True when acknowledged. */
    boolean createEntry(String path) {
      String id = SignetServer.id("/disk-full" + path);
      try (UdsGrpc grpc = new UdsGrpc(server.socket())) {
        UdsGrpc.ItemStatus status = grpc.createEntryStatus(NODE, id, "unix:uid:" + (200_000 + acknowledged.size()));
        if (status.code() == 0) {
          acknowledged.add(id);
          return true;
        }
        refused.add(new Refusal("entry create " + id, id, Status.fromCodeValue((int) status.code()).getCode(),
            status.message()));
      } catch (StatusRuntimeException e) {
        refused.add(new Refusal("entry create " + id, id, e.getStatus().getCode(), e.getStatus().getDescription()));
      }
      return false;
    }

    boolean joinToken() {
      return other("join token", admin -> admin.createJoinToken(600, SignetServer.id("/disk-full/token")));
    }

    boolean prepareAuthority() {
      return other("x509 authority prepare", AdminWire::prepareX509Authority);
    }

    /** A write that stores nothing to look up later by SPIFFE ID; true when acknowledged. */
    private boolean other(String what, java.util.function.Function<AdminWire, ?> call) {
      try (AdminWire admin = new AdminWire(server.socket())) {
        call.apply(admin);
        return true;
      } catch (StatusRuntimeException e) {
        refused.add(new Refusal(what, null, e.getStatus().getCode(), e.getStatus().getDescription()));
        return false;
      }
    }

    /** Every refusal carries a retryable code and a one-line message, never INTERNAL or a stack trace. */
    void assertRefusalsClean() {
      for (Refusal refusal : refused) {
        assertThat(refusal.code()).as("status of %s (%s)", refusal.what(), refusal.message()).isIn(REFUSALS);
        assertThat(refusal.message()).as("message of %s", refusal.what()).doesNotContain("\tat ", "Exception");
      }
    }

    Map<Status.Code, Long> refusalCodes() {
      Map<Status.Code, Long> codes = new HashMap<>();
      refused.forEach(r -> codes.merge(r.code(), 1L, Long::sum));
      return codes;
    }
  }
}
