package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerAttestorTest {
  private static final int PID = 77;
  private final FakeProcFs proc = new FakeProcFs();

  private WorkloadAttestor attestor(Runnable during) {
    return new FakeUidAttestor(proc, during);
  }

  private static Status.Code code(Throwable e) {
    return ((StatusException) e).getStatus().getCode();
  }

  @Test
  void stableProcessIsAttested() throws Exception {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    CallerAttestor attestor = new CallerAttestor(proc, List.of(attestor(() -> { })));
    assertThat(attestor.attest(new PeerCredentials(PID, 1000, 1000))).containsExactly(Selector.parse("fake:uid:1000"));
  }

  @Test
  void pidReusedDuringAttestationIsDenied() {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    // The caller exits mid-attestation and a process of the same user takes the pid.
    CallerAttestor attestor = new CallerAttestor(proc,
        List.of(attestor(() -> proc.processes.put(PID, new FakeProcFs.Proc(200, 1000, 1000)))));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("was replaced during attestation (start time 100 became 200)");
  }

  @Test
  void uidChangedDuringAttestationIsDenied() {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    CallerAttestor attestor = new CallerAttestor(proc,
        List.of(attestor(() -> proc.processes.put(PID, new FakeProcFs.Proc(100, 0, 0)))));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("changed its uid/gid during attestation");
  }

  @Test
  void pidTakenByAnotherUserBeforeAttestationIsDenied() {
    // SO_PEERCRED says uid 1000 connected; the pid now belongs to root.
    proc.processes.put(PID, new FakeProcFs.Proc(100, 0, 0));
    CallerAttestor attestor = new CallerAttestor(proc, List.of(attestor(() -> { })));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("runs as uid 0 gid 0 but connected as uid 1000 gid 1000");
  }

  @Test
  void callerThatExitedIsDenied() {
    CallerAttestor attestor = new CallerAttestor(proc, List.of(attestor(() -> { })));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("process 77 does not exist");
  }

  @Test
  void callerExitingDuringAttestationIsDenied() {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    CallerAttestor attestor = new CallerAttestor(proc, List.of(
        attestor(() -> { }), attestor(() -> proc.processes.remove(PID))));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void unavailableAttestorIsUnavailable() {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    WorkloadAttestor broken = new WorkloadAttestor() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<Selector> attest(int pid) throws WorkloadAttestationException {
        throw new WorkloadAttestationException(Kind.UNAVAILABLE, "broken: cannot reach the runtime");
      }
    };
    CallerAttestor attestor = new CallerAttestor(proc, List.of(broken));
    assertThatThrownBy(() -> attestor.attest(new PeerCredentials(PID, 1000, 1000)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("broken: cannot reach the runtime");
  }

  @Test
  void aProcessNamedByADelegateIsAttestedUnderTheSameReuseGuard() throws Exception {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1000));
    assertThat(new CallerAttestor(proc, List.of(attestor(() -> { }))).attestProcess(PID))
        .containsExactly(Selector.parse("fake:uid:1000"));

    CallerAttestor racing = new CallerAttestor(proc,
        List.of(attestor(() -> proc.processes.put(PID, new FakeProcFs.Proc(300, 0, 0)))));
    assertThatThrownBy(() -> racing.attestProcess(PID))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("was replaced during attestation");
  }

  @Test
  void aDelegateCannotNameAMissingOrImpossibleProcess() {
    CallerAttestor attestor = new CallerAttestor(proc, List.of(attestor(() -> { })));
    assertThatThrownBy(() -> attestor.attestProcess(0))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> attestor.attestProcess(-5))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> attestor.attestProcess(4242))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
  }
}
