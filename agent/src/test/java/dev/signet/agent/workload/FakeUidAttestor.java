package dev.signet.agent.workload;

import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.spiffe.Selector;
import java.util.List;

/**
 * A workload attestor over a {@link FakeProcFs}: selector {@code fake:uid:<uid>} for a process in the table,
 * PROCESS_GONE otherwise; {@code during} runs first, so a test can change the table mid-attestation.
 */
final class FakeUidAttestor implements WorkloadAttestor {
  private final FakeProcFs proc;
  private final Runnable during;

  FakeUidAttestor(FakeProcFs proc, Runnable during) {
    this.proc = proc;
    this.during = during;
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public List<Selector> attest(int pid) throws WorkloadAttestationException {
    during.run();
    FakeProcFs.Proc p = proc.processes.get(pid);
    if (p == null) {
      throw new WorkloadAttestationException(Kind.PROCESS_GONE, "fake: process " + pid + " does not exist");
    }
    return List.of(new Selector("fake", "uid:" + p.uid()));
  }
}
