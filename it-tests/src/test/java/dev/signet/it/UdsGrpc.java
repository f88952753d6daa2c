package dev.signet.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal gRPC client over a Unix socket (java-spiffe's shaded grpc-netty, not Signet's jars) that
 * speaks the few messages the tests need, hand-encoded ({@link Pb}) from the public wire definitions: the
 * health check and {@code spire.api.server.entry.v1.Entry/BatchCreateEntry} here, more in {@link AdminWire}. Used where a CLI's JVM start-up would blur a
 * measurement or make polling slow.
 */
public final class UdsGrpc implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private final ManagedChannel channel;

  private final Duration deadline;

  public UdsGrpc(Path socket) {
    this(socket, Duration.ofSeconds(10));
  }

  /** A client whose calls wait up to {@code deadline} for their answer. */
  public UdsGrpc(Path socket, Duration deadline) {
    this.deadline = deadline;
    channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class)
        .usePlaintext()
        .build();
  }

  private byte[] unary(String fullMethod, byte[] request) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethod)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER), "true");
    return ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        method, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
  }

  /** {@code grpc.health.v1.Health/Check} for the whole server: true when SERVING. */
  public boolean serving() {
    byte[] response = unary("grpc.health.v1.Health/Check", new byte[0]);
    try {
      CodedInputStream in = CodedInputStream.newInstance(response);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == (1 << 3)) {
          return in.readEnum() == 1;
        }
        in.skipField(tag);
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code BatchCreateEntry} with one entry; returns the new entry's id (fails on a non-OK result). */
  public String createEntry(String parentId, String spiffeId, String... selectors) {
    ByteString result = createEntryResult(parentId, spiffeId, selectors);
    Pb.requireOkStatus("BatchCreateEntry", result, 1);
    return Pb.field(Pb.field(result, 2), 1).toStringUtf8();
  }

  /**
   * {@code BatchCreateEntry} with one entry; returns the result's status code (0 OK, 6 ALREADY_EXISTS, 14
   * UNAVAILABLE…). A failure of the call itself throws {@link io.grpc.StatusRuntimeException}.
   */
  public long createEntryCode(String parentId, String spiffeId, String... selectors) {
    return createEntryStatus(parentId, spiffeId, selectors).code();
  }

  /** The per-item status of a batch result ({@code spire.api.types.Status}: code, message). */
  public record ItemStatus(long code, String message) {}

  /** {@code BatchCreateEntry} with one entry; returns the result's status (a failed call throws). */
  public ItemStatus createEntryStatus(String parentId, String spiffeId, String... selectors) {
    ByteString status = Pb.field(createEntryResult(parentId, spiffeId, selectors), 1);
    return new ItemStatus(Pb.varint(status, 1), Pb.field(status, 2).toStringUtf8());
  }

  private ByteString createEntryResult(String parentId, String spiffeId, String... selectors) {
    Pb entry = Pb.message().message(2, Pb.spiffeId(spiffeId)).message(3, Pb.spiffeId(parentId));
    for (String selector : selectors) {
      int colon = selector.indexOf(':');
      entry.message(4, Pb.message().string(1, selector.substring(0, colon)).string(2, selector.substring(colon + 1)));
    }
    ByteString response = call("spire.api.server.entry.v1.Entry/BatchCreateEntry", Pb.message().message(1, entry));
    List<ByteString> result = Pb.fields(response, 1);
    if (result.size() != 1) {
      throw new AssertionError("BatchCreateEntry: expected one result, got " + result.size());
    }
    return result.get(0);
  }

  /** One unary call of {@code fullMethod} with {@code request}; the response's bytes. */
  ByteString call(String fullMethod, Pb request) {
    return ByteString.copyFrom(unary(fullMethod, request.toByteArray()));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
