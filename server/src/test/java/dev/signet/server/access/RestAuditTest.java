package dev.signet.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.time.ManualClock;
import dev.signet.server.audit.AuditAnchor;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.audit.TrailFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code audit_log_fail_closed}, a change through the access API (a forced CA rotation) is not made
 * without its intent in the trail, and not acknowledged without its outcome.
 */
class RestAuditTest {
  @TempDir Path temp;

  /** A disk that fills up on demand. */
  private static final class FullDisk implements TrailFile {
    private final TrailFile real;
    boolean full;
    long usable = Long.MAX_VALUE;

    FullDisk(TrailFile real) {
      this.real = real;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public void append(ByteBuffer bytes) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      real.append(bytes);
    }

    @Override
    public void truncate(long size) throws IOException {
      real.truncate(size);
    }

    @Override
    public void force() throws IOException {
      real.force();
    }

    @Override
    public long usableSpace() {
      return usable;
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  @Test
  void aForcedCaRotationIsNotAcknowledgedWithoutItsOutcomeInTheTrail() throws Exception {
    FullDisk[] disk = new FullDisk[1];
    Path file = temp.resolve("audit.log");
    try (AuditTrail trail = AuditTrail.open(file, AuditKey.loadOrCreate(temp.resolve("audit.key")), AuditAnchor.none(),
        new ManualClock(Instant.parse("2030-01-01T00:00:00Z")), real -> disk[0] = new FullDisk(real))) {
      RestAudit audit = new RestAudit(trail, true);
      String action = "REST POST /api/v1/certificates/rotate";
      disk[0].usable = AuditTrail.RESERVE / 2;
      assertThatThrownBy(() -> audit.intent("admin", action, "scope=\"ca\"", "r1"))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(503));
      assertThat(Files.readAllLines(file)).as("refused before the change: nothing recorded, nothing done").isEmpty();

      disk[0].usable = Long.MAX_VALUE;
      audit.intent("admin", action, "scope=\"ca\"", "r2");
      disk[0].full = true; // the rotation is made, then the disk is full
      assertThatThrownBy(() -> audit.changeOutcome("admin", action, "ok", "scope=\"ca\"", "r2"))
          .isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.getMessage()).contains("the change was made but its outcome could not be written");
          });
      assertThatThrownBy(() -> audit.intent("admin", action, "scope=\"ca\"", "r3")).as("no other change meanwhile")
          .isInstanceOf(Problem.class);

      disk[0].full = false;
      audit.recordOutcome("admin", "REST GET /api/v1/audit", "ok", "", "r4");
    }
    assertThat(Files.readAllLines(file)).hasSize(3)
        .satisfies(lines -> assertThat(lines.get(1)).contains("\"request_id\":\"r2\"", "\"outcome\":\"ok\"",
            "recorded late"));
  }

  @Test
  void failOpenOnlyLogs() throws Exception {
    FullDisk[] disk = new FullDisk[1];
    try (AuditTrail trail = AuditTrail.open(temp.resolve("audit.log"), AuditKey.loadOrCreate(temp.resolve("k")),
        AuditAnchor.none(), new ManualClock(Instant.parse("2030-01-01T00:00:00Z")),
        real -> disk[0] = new FullDisk(real))) {
      disk[0].full = true;
      RestAudit audit = new RestAudit(trail, false);
      audit.intent("admin", "x", "", "r1");
      audit.changeOutcome("admin", "x", "ok", "", "r1");
    }
    assertThat(Files.size(temp.resolve("audit.log"))).isZero();
  }
}
