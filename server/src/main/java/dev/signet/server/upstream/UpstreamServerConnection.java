package dev.signet.server.upstream;

import com.google.protobuf.ByteString;
import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.upstream.UpstreamSigned;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.PublishJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CARequest;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CAResponse;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.JWTKey;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The mTLS connection of a downstream server to its upstream server: it presents the X509-SVID the local
 * agent's Workload API gave us ({@code keys}, swapped on rotation) and accepts only the upstream server's
 * own SVID, {@code spiffe://<td>/spire/server}, chaining to the bundle that same Workload API delivers
 * ({@code trust}). Every failure of the upstream is a {@link CaException} of kind UNAVAILABLE naming the RPC,
 * except a refused CSR or identity, which is FAILED_PRECONDITION (retrying will not help until an operator acts).
 */
final class UpstreamServerConnection implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final ManagedChannel channel;
  private final String target;

  UpstreamServerConnection(String host, int port, SvidKeyManager keys, SpiffeServerTrustManager trust) {
    this.target = host + ":" + port;
    try {
      this.channel = NettyChannelBuilder.forAddress(host, port)
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().trustManager(trust).keyManager(keys),
              SslProvider.JDK).build())
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("spire: cannot build the tls context for upstream " + target + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code NewDownstreamX509CA}: the signed intermediate, its chain and the upstream roots. */
  UpstreamSigned newDownstreamX509Ca(byte[] csr, Duration preferredTtl) {
    NewDownstreamX509CAResponse response = call("NewDownstreamX509CA", () -> SVIDGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .newDownstreamX509CA(NewDownstreamX509CARequest.newBuilder().setCsr(ByteString.copyFrom(csr))
            .setPreferredTtl((int) Math.min(Integer.MAX_VALUE, preferredTtl.toSeconds())).build()));
    if (response.getCaCertChainCount() == 0) {
      throw new CaException(Kind.UNAVAILABLE, "spire: upstream " + target + " returned no ca certificate");
    }
    List<X509Certificate> chain = response.getCaCertChainList().stream()
        .map(der -> DerCodec.parseCertificate(der.toByteArray())).toList();
    List<X509Certificate> roots = response.getX509AuthoritiesList().stream()
        .map(der -> DerCodec.parseCertificate(der.toByteArray())).toList();
    return new UpstreamSigned(chain.getFirst(), chain.subList(1, chain.size()), roots);
  }

  /** {@code GetBundle}: the upstream's bundle of our shared trust domain. */
  Bundle bundle() {
    return BundleProtos.fromProto(call("GetBundle", () -> BundleGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getBundle(GetBundleRequest.getDefaultInstance())));
  }

  /** {@code PublishJWTAuthority}: the upstream's JWT authorities, or empty when it does not implement the RPC. */
  Optional<List<JwtAuthority>> publishJwtAuthority(JwtAuthority key, dev.signet.common.spiffe.TrustDomain td) {
    JWTKey proto = BundleProtos.toProto(new Bundle(td, List.of(), List.of(key), 0, Duration.ZERO))
        .getJwtAuthorities(0);
    try {
      var response = BundleGrpc.newBlockingStub(channel)
          .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .publishJWTAuthority(PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(proto).build());
      return Optional.of(BundleProtos.fromProto(dev.signet.proto.spire.api.types.Bundle.newBuilder()
          .setTrustDomain(td.name()).addAllJwtAuthorities(response.getJwtAuthoritiesList()).build()).jwtAuthorities());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Optional.empty();
      }
      throw failure("PublishJWTAuthority", e);
    }
  }

  private <T> T call(String rpc, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw failure(rpc, e);
    }
  }

  private CaException failure(String rpc, StatusRuntimeException e) {
    Kind kind = switch (e.getStatus().getCode()) {
      case PERMISSION_DENIED, INVALID_ARGUMENT, UNAUTHENTICATED -> Kind.FAILED_PRECONDITION;
      default -> Kind.UNAVAILABLE;
    };
    return new CaException(kind, "spire: upstream " + target + " " + rpc + " failed: " + e.getStatus().getCode()
        + ": " + e.getStatus().getDescription());
  }

  /** The expected upstream server ID of {@code td}. */
  static SpiffeId serverId(dev.signet.common.spiffe.TrustDomain td) {
    return td.id("/spire/server");
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
