package dev.signet.proto.transport;

import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.localauthority.v1.LocalAuthorityGrpc;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client for the server's admin socket (the server CLI, the OIDC discovery provider and the Kubernetes
 * controller share it). Every call carries a deadline; {@link #close()} releases the channel and its event loop.
 */
public final class AdminClient implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 30;
  private final EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
  private final ManagedChannel channel;

  public AdminClient(Path socket) {
    this.channel = UnixSockets.channel(socket, group);
  }

  public EntryGrpc.EntryBlockingStub entries() {
    return EntryGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public AgentGrpc.AgentBlockingStub agents() {
    return AgentGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public BundleGrpc.BundleBlockingStub bundles() {
    return BundleGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public SVIDGrpc.SVIDBlockingStub svids() {
    return SVIDGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public LocalAuthorityGrpc.LocalAuthorityBlockingStub localAuthority() {
    return LocalAuthorityGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public TrustDomainGrpc.TrustDomainBlockingStub trustDomains() {
    return TrustDomainGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
