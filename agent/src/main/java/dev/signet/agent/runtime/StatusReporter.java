package dev.signet.agent.runtime;

import dev.signet.common.SignetVersion;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.PostStatusRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the server this agent's version and the sequence number of the bundle it serves ({@code PostStatus},
 * spire-api-sdk v1.15), so {@code agent show} can print it. Servers that do not take it are not asked again:
 * one that does not implement it answers UNIMPLEMENTED, and a real SPIRE v1.13.3 server answers
 * PERMISSION_DENIED ("authorization denied for method ...PostStatus": its authorization policy has no rule for
 * the method). Any other failure is logged and the sync goes on: the status is information for operators, not
 * a condition of service.
 */
final class StatusReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

  private volatile boolean unsupported;

  /** Posts the status over {@code channel}; returns whether the server took it. */
  boolean report(Channel channel, long bundleSequenceNumber) {
    if (unsupported) {
      return false;
    }
    try {
      AgentGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).postStatus(PostStatusRequest
          .newBuilder().setCurrentBundleSerial(bundleSequenceNumber).setAgentVersion(SignetVersion.get()).build());
      return true;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.PERMISSION_DENIED) {
        unsupported = true;
        LOG.info("the server does not take agent status reports (PostStatus answered {}); not sending them", code);
      } else {
        LOG.warn("agent status report (PostStatus) failed: {}", e.getStatus());
      }
      return false;
    }
  }
}
