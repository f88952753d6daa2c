package dev.signet.proto.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our stubs are generated from the .proto files inside {@code io.envoyproxy.controlplane:api} under our own
 * Java packages; the wire must be the upstream one. Each message the SDS server reads or writes is compared,
 * as a {@code DescriptorProto} (names, numbers, types, nested types, options), with the class the upstream
 * jar ships, and so is the service.
 */
class EnvoyDescriptorParityTest {

  static Stream<Arguments> messages() {
    return Stream.of(
        pair(dev.signet.proto.envoy.service.discovery.v3.DiscoveryRequest.getDescriptor(),
            io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.getDescriptor()),
        pair(dev.signet.proto.envoy.service.discovery.v3.DiscoveryResponse.getDescriptor(),
            io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse.getDescriptor()),
        pair(dev.signet.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest.getDescriptor(),
            io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest.getDescriptor()),
        pair(dev.signet.proto.envoy.config.core.v3.Node.getDescriptor(),
            io.envoyproxy.envoy.config.core.v3.Node.getDescriptor()),
        pair(dev.signet.proto.envoy.config.core.v3.BuildVersion.getDescriptor(),
            io.envoyproxy.envoy.config.core.v3.BuildVersion.getDescriptor()),
        pair(dev.signet.proto.envoy.config.core.v3.DataSource.getDescriptor(),
            io.envoyproxy.envoy.config.core.v3.DataSource.getDescriptor()),
        pair(dev.signet.proto.envoy.config.core.v3.TypedExtensionConfig.getDescriptor(),
            io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.getDescriptor()),
        pair(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor()),
        pair(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.TlsCertificate.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate.getDescriptor()),
        pair(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.getDescriptor()),
        pair(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig.getDescriptor()));
  }

  private static Arguments pair(Descriptor ours, Descriptor upstream) {
    return Arguments.of(ours.getFullName(), ours, upstream);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void messageMatchesUpstream(String name, Descriptor ours, Descriptor upstream) {
    assertThat(ours.getFullName()).isEqualTo(upstream.getFullName());
    assertThat(ours.getFile().getName()).isEqualTo(upstream.getFile().getName());
    assertThat(plain(ours.toProto())).isEqualTo(plain(upstream.toProto()));
  }

  /**
   * The descriptor re-read without an extension registry: custom options (validation rules, annotations)
   * become unknown fields on both sides, so the two are compared field by field rather than by the Java
   * classes of their option extensions, which differ by design.
   */
  private static <M extends Message> Message plain(M message) {
    try {
      return message.getParserForType().parseFrom(message.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void secretDiscoveryServiceMatchesUpstream() {
    ServiceDescriptor ours = dev.signet.proto.envoy.service.secret.v3.SdsProto.getDescriptor()
        .findServiceByName("SecretDiscoveryService");
    ServiceDescriptor upstream = io.envoyproxy.envoy.service.secret.v3.SdsProto.getDescriptor()
        .findServiceByName("SecretDiscoveryService");
    assertThat(plain(ours.toProto())).isEqualTo(plain(upstream.toProto()));
    assertThat(dev.signet.proto.envoy.service.secret.v3.SecretDiscoveryServiceGrpc.SERVICE_NAME)
        .isEqualTo("envoy.service.secret.v3.SecretDiscoveryService")
        .isEqualTo(io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc.SERVICE_NAME);
  }

  @Test
  void javaPackagesAreOurs() {
    assertThat(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret.class.getPackageName())
        .startsWith("dev.signet.proto.envoy.");
    assertThat(dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.SecretProto.getDescriptor()
        .getOptions().getJavaPackage()).isEqualTo("dev.signet.proto.envoy.extensions.transport_sockets.tls.v3");
  }
}
