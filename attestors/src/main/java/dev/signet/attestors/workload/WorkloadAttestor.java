package dev.signet.attestors.workload;

import dev.signet.common.spiffe.Selector;
import java.util.List;

/**
 * An agent-side workload attestor: turns the pid of a process that called the Workload API into
 * selectors, which the agent then matches against its cached registration entries.
 *
 * <p>Implementations are keyed by SPIRE's plugin name ({@link #name()}, e.g. {@code unix}), which is also
 * the {@link Selector#type()} of every selector they return. The pid comes from the kernel (SO_PEERCRED)
 * and is the only input: an attestor must never trust anything the workload says about itself.
 * Implementations are called concurrently and must be thread-safe.
 */
public interface WorkloadAttestor {
  /** SPIRE's plugin name, e.g. {@code unix}; the type of every selector this attestor returns. */
  String name();

  /**
   * Describes the process {@code pid}.
   *
   * @return this attestor's selectors for the process; empty when it has nothing to say about it
   * @throws WorkloadAttestationException when the process cannot be inspected (gone, unreadable, refused)
   */
  List<Selector> attest(int pid) throws WorkloadAttestationException;

  /**
   * True when {@link #attest} may wait on something slower than the local {@code /proc} (a container
   * runtime, the kubelet): the agent then runs Workload API calls off its socket's event loop.
   */
  default boolean mayBlock() {
    return false;
  }
}
