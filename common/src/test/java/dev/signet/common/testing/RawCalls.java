package dev.signet.common.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * gRPC calls whose request body is whatever bytes the test gives, as a hostile client would send them;
 * the method is named by its full name and called as unary whatever its kind on the server.
 */
public final class RawCalls {
  /**
   * Bytes no protobuf message parses from: field 1, length-delimited, announcing 127 bytes of which only
   * 7 follow.
   */
  public static final byte[] GARBAGE = concat(new byte[] {0x0a, 0x7f}, "garbage".getBytes(StandardCharsets.US_ASCII));

  private RawCalls() {}

  /** Sends {@code body} to {@code fullMethodName} with {@code headers}; returns the response bytes or throws. */
  public static byte[] call(Channel channel, String fullMethodName, Metadata headers, byte[] body) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
    Channel withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return ClientCalls.blockingUnaryCall(withHeaders, method,
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

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
}
