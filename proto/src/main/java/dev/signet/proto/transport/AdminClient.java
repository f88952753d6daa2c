package dev.signet.proto.transport;

import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.localauthority.v1.LocalAuthorityGrpc;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc;
import io.grpc.Channel;
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
  private final Channel channel;
  private final Runnable release;

  /** A client on a Netty channel with its own event loop, for a long-lived caller. */
  public AdminClient(Path socket) {
    EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel managed = UnixSockets.channel(socket, group);
    this.channel = managed;
    this.release = () -> {
      managed.shutdownNow();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    };
  }

  private AdminClient(Channel channel) {
    this.channel = channel;
    this.release = () -> { };
  }

  /**
   * A client for a command-line call: each call opens its own connection on the calling thread, with no event
   * loop to start or stop ({@link OneShotChannel}).
   */
  public static AdminClient forCommandLine(Path socket) {
    return new AdminClient(new OneShotChannel(socket));
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
    release.run();
  }
}
