package dev.signet.agent.sds;

import com.google.protobuf.Message;
import dev.signet.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import dev.signet.proto.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryRequest;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryResponse;
import dev.signet.proto.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The gRPC definition of {@code envoy.service.secret.v3.SecretDiscoveryService} (the generated one's names and
 * method types) whose protobuf marshallers are made on first use.
 *
 * <p>Performance: the generated {@code bindService} builds the message descriptors at once, and Envoy's
 * protos pull in {@code descriptor.proto}, the validation and annotation protos and the whole of
 * {@code config/core/v3}: about 0.5 s of CPU on a busy 2-core machine at every agent start. Made lazily,
 * only an agent that actually serves an Envoy pays it, on the first SDS call.
 */
final class SdsServiceDefinition {
  private SdsServiceDefinition() {}

  static ServerServiceDefinition bind(SecretDiscoveryServiceGrpc.AsyncService service) {
    return ServerServiceDefinition.builder(SecretDiscoveryServiceGrpc.SERVICE_NAME)
        .addMethod(method(MethodType.BIDI_STREAMING, "StreamSecrets", DiscoveryRequest::getDefaultInstance,
            DiscoveryResponse::getDefaultInstance), ServerCalls.asyncBidiStreamingCall(service::streamSecrets))
        .addMethod(method(MethodType.UNARY, "FetchSecrets", DiscoveryRequest::getDefaultInstance,
            DiscoveryResponse::getDefaultInstance), ServerCalls.asyncUnaryCall(service::fetchSecrets))
        .addMethod(method(MethodType.BIDI_STREAMING, "DeltaSecrets", DeltaDiscoveryRequest::getDefaultInstance,
            DeltaDiscoveryResponse::getDefaultInstance), ServerCalls.asyncBidiStreamingCall(service::deltaSecrets))
        .build();
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(MethodType type, String name,
      Supplier<Q> request, Supplier<R> response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SecretDiscoveryServiceGrpc.SERVICE_NAME, name))
        .setRequestMarshaller(new LazyMarshaller<>(request))
        .setResponseMarshaller(new LazyMarshaller<>(response))
        .build();
  }

  /** grpc-protobuf's marshaller for a message type, made when the first message passes. */
  private static final class LazyMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {
    private final Supplier<T> prototype;
    private volatile MethodDescriptor.Marshaller<T> delegate;

    LazyMarshaller(Supplier<T> prototype) {
      this.prototype = prototype;
    }

    private MethodDescriptor.Marshaller<T> delegate() {
      MethodDescriptor.Marshaller<T> made = delegate;
      if (made == null) {
        made = ProtoUtils.marshaller(prototype.get()); // two racing first calls make two equal marshallers
        delegate = made;
      }
      return made;
    }

    @Override
    public InputStream stream(T value) {
      return delegate().stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      return delegate().parse(stream);
    }
  }
}
