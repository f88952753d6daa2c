package dev.signet.agent.sync;

import dev.signet.agent.client.ServerConnection;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.signet.agent.push.v1.EntryPushGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's mTLS connection to the server, replaceable at run time (after the agent SVID is renewed a
 * new connection presents the new certificate). Stubs carry a per-call deadline.
 */
public final class ServerApi implements AutoCloseable {
  private final AtomicReference<ServerConnection> connection;
  private final Duration deadline;

  public ServerApi(ServerConnection initial, Duration deadline) {
    this.connection = new AtomicReference<>(initial);
    this.deadline = deadline;
  }

  /** Switches to a new connection and closes the old one (in-flight calls on it are cancelled). */
  public void replace(ServerConnection next) {
    ServerConnection previous = connection.getAndSet(next);
    if (previous != null && previous != next) {
      previous.close();
    }
  }

  public EntryGrpc.EntryBlockingStub entries() {
    return EntryGrpc.newBlockingStub(connection.get().channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The async entry stub (SyncAuthorizedEntries is a bidi stream), with the per-call deadline. */
  public EntryGrpc.EntryStub entriesAsync() {
    return EntryGrpc.newStub(connection.get().channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The per-call deadline of every stub. */
  /** The current connection's channel, for calls without a stub of their own here. */
  public io.grpc.Channel channel() {
    return connection.get().channel();
  }

  public Duration deadline() {
    return deadline;
  }

  public BundleGrpc.BundleBlockingStub bundles() {
    return BundleGrpc.newBlockingStub(connection.get().channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public SVIDGrpc.SVIDBlockingStub svids() {
    return SVIDGrpc.newBlockingStub(connection.get().channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public AgentGrpc.AgentBlockingStub agent() {
    return AgentGrpc.newBlockingStub(connection.get().channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The push stream stub (no deadline: the stream lives as long as the connection). */
  public EntryPushGrpc.EntryPushStub push() {
    return EntryPushGrpc.newStub(connection.get().channel());
  }

  @Override
  public void close() {
    ServerConnection current = connection.getAndSet(null);
    if (current != null) {
      current.close();
    }
  }
}
