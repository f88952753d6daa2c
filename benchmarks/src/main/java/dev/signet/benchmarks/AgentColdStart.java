package dev.signet.benchmarks;

import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVIDRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Agent cold start: launches the agent command given as arguments (after the socket path), polls its
 * Workload API socket with FetchX509SVID, and prints the time from process start to the first SVID
 * served; then stops the agent. The poller's own JVM is warm before the agent starts.
 *
 * <p>Usage: {@code AgentColdStart AGENT_SOCKET signet-agent run -config …}.
 */
public final class AgentColdStart {
  private AgentColdStart() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    List<String> command = Arrays.asList(args).subList(1, args.length);
    Files.deleteIfExists(socket);
    EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER), "true");
    long start = System.nanoTime();
    Process agent = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("/tmp/signet-coldstart-agent.log").toFile())).start();
    try {
      long deadline = start + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (Files.exists(socket)) {
          ManagedChannel channel = UnixSockets.channel(socket, group);
          try {
            SpiffeWorkloadAPIGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(2, TimeUnit.SECONDS).fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next();
            System.out.printf("agent process start -> first X509-SVID served: %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return;
          } catch (StatusRuntimeException e) {
            // not serving yet (or no identity yet): poll again
          } finally {
            channel.shutdownNow();
          }
        }
        LockSupport.parkNanos(5_000_000);
      }
      System.out.println("agent did not serve an SVID within 60 s");
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }
}
