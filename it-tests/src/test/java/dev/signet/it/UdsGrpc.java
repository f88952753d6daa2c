package dev.signet.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal gRPC client over a Unix socket (java-spiffe's shaded grpc-netty, not Signet's jars) that
 * speaks the few messages the tests need, hand-encoded from the public wire definitions: the health check
 * and {@code spire.api.server.entry.v1.Entry/BatchCreateEntry}. Used where a CLI's JVM start-up would blur a
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

  public UdsGrpc(Path socket) {
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
        method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
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
    try {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(entry);
      out.writeBytes(2, spiffeIdMessage(spiffeId));
      out.writeBytes(3, spiffeIdMessage(parentId));
      for (String selector : selectors) {
        int colon = selector.indexOf(':');
        out.writeBytes(4, message(selector.substring(0, colon), selector.substring(colon + 1)));
      }
      out.flush();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      CodedOutputStream req = CodedOutputStream.newInstance(request);
      req.writeBytes(1, ByteString.copyFrom(entry.toByteArray()));
      req.flush();

      byte[] response = unary("spire.api.server.entry.v1.Entry/BatchCreateEntry", request.toByteArray());
      List<ByteString> result = fields(ByteString.copyFrom(response), 1);
      if (result.size() != 1) {
        throw new AssertionError("BatchCreateEntry: expected one result, got " + result.size());
      }
      List<ByteString> status = fields(result.get(0), 1);
      int code = status.isEmpty() ? 0 : varint(status.get(0), 1);
      if (code != 0) {
        throw new AssertionError("BatchCreateEntry failed with code " + code + ": " + fields(status.get(0), 2).stream()
            .map(ByteString::toStringUtf8).toList());
      }
      return fields(fields(result.get(0), 2).get(0), 1).get(0).toStringUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteString spiffeIdMessage(String spiffeId) throws IOException {
    String rest = spiffeId.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return message(rest.substring(0, slash), rest.substring(slash));
  }

  /** A message with string fields 1 and 2. */
  private static ByteString message(String one, String two) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, one);
    out.writeString(2, two);
    out.flush();
    return ByteString.copyFrom(bytes.toByteArray());
  }

  /** All length-delimited occurrences of {@code field}. */
  private static List<ByteString> fields(ByteString message, int field) throws IOException {
    List<ByteString> found = new ArrayList<>();
    CodedInputStream in = message.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == ((field << 3) | 2)) {
        found.add(in.readBytes());
      } else {
        in.skipField(tag);
      }
    }
    return found;
  }

  private static int varint(ByteString message, int field) throws IOException {
    CodedInputStream in = message.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (field << 3)) {
        return in.readInt32();
      }
      in.skipField(tag);
    }
    return 0;
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
