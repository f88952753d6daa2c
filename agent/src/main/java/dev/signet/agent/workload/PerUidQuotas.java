package dev.signet.agent.workload;

import dev.signet.common.grpc.ConcurrentCallLimit;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;

/**
 * Counts Workload API calls per caller uid, as the kernel reports it for the connection (SO_PEERCRED), so
 * that one local user cannot exhaust the agent for the others ({@link ConcurrentCallLimit}).
 *
 * <p>Why the uid: it is the identity a local process cannot shed (it can open any number of connections
 * and fork any number of processes, but not change its uid without privilege). uid 0 is the exception and
 * is counted per process: on Kubernetes without user namespaces every container running as root shares
 * uid 0, so one budget for all of them would make the pods of a busy node starve each other, and a root
 * process could stop the agent outright anyway, so the cap protects nothing against root.
 */
public final class PerUidQuotas implements ConcurrentCallLimit.Quotas {
  /** Default calls (open streams included) one uid may have in progress at once. */
  public static final int DEFAULT_MAX_CALLS_PER_UID = 32;

  private final int limit;

  public PerUidQuotas(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("workload api calls per uid " + limit + " is below 1");
    }
    this.limit = limit;
  }

  @Override
  public ConcurrentCallLimit.Quota of(ServerCall<?, ?> call, Metadata headers) {
    return of(call.getAttributes().get(PeerCredentials.TRANSPORT_ATTR));
  }

  /** The budget of a caller with these credentials (null: the kernel gave none, which are counted together). */
  ConcurrentCallLimit.Quota of(PeerCredentials caller) {
    if (caller == null) {
      return new ConcurrentCallLimit.Quota("a caller without peer credentials", limit);
    }
    String name = caller.uid() == 0 ? "uid 0 pid " + caller.pid() : "uid " + caller.uid();
    return new ConcurrentCallLimit.Quota(name, limit);
  }
}
