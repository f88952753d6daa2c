package dev.signet.agent.sync;

import dev.signet.agent.client.ServerConnection;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.proto.SpiffeIdProtos;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesResponse;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.spire.api.types.Status;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * A SPIRE server fake on loopback (plaintext gRPC): GetBundle, GetFederatedBundle, GetAuthorizedEntries
 * and BatchNewX509SVID, signing CSRs with a test CA on the test's clock. Tests change its entries, make it
 * refuse entries or fail calls, and read what it issued.
 */
public final class FakeSpireServer implements AutoCloseable {
  public final TrustDomain trustDomain;
  public final TestCertificate.Issued ca;
  public final Bundle bundle;
  public final Map<String, Entry> entries = new ConcurrentHashMap<>();
  public final Map<TrustDomain, Bundle> federated = new ConcurrentHashMap<>();
  public final Set<String> refused = ConcurrentHashMap.newKeySet();
  /** The public keys of the CSRs the server signed, per entry ID, in order. */
  public final Map<String, List<PublicKey>> issuedKeys = new ConcurrentHashMap<>();
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Thrown by every call while set. */
  public volatile StatusRuntimeException failure;
  /** Thrown by BatchNewX509SVID only while set. */
  public volatile StatusRuntimeException batchFailure;
  /** When true the server certifies a key of its own instead of the CSR's (a misbehaving server). */
  public volatile boolean certifyWrongKey;
  public volatile Duration ttl = Duration.ofHours(1);
  /** Runs at the start of every GetAuthorizedEntries, before it is recorded (tests hold a sync there). */
  public volatile Runnable beforeAuthorizedEntries = () -> {};
  private final Clock clock;
  private final Server server;
  private final ManagedChannel channel;

  /** A plaintext fake; {@link #api()} talks to it. */
  public FakeSpireServer(String trustDomain, Clock clock) throws IOException {
    this(trustDomain, clock, false);
  }

  /**
   * With {@code tls}, the fake presents {@code spiffe://<td>/spire/server} issued by its CA and asks for (but
   * does not verify) a client certificate, so a real agent can connect to {@link #port()}.
   */
  public FakeSpireServer(String trustDomain, Clock clock, boolean tls) throws IOException {
    this(trustDomain, clock, tls, new InetSocketAddress("127.0.0.1", 0));
  }

  /** A fake listening on {@code address} (two fakes on 127.0.0.1 and 127.0.0.2 with one port: an HA pair). */
  public FakeSpireServer(String trustDomain, Clock clock, boolean tls, InetSocketAddress address) throws IOException {
    this.trustDomain = TrustDomain.parse(trustDomain);
    this.ca = TestCertificate.ca(trustDomain).validity(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).issue();
    this.bundle = Bundle.ofX509(this.trustDomain, List.of(ca.certificate()));
    this.clock = clock;
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
    if (tls) {
      TestCertificate.Issued serverSvid = TestCertificate.leaf(this.trustDomain.idString() + "/spire/server", ca)
          .validity(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).issue();
      builder.sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(serverSvid.keyPair().getPrivate(),
          serverSvid.certificate(), ca.certificate()).clientAuth(ClientAuth.OPTIONAL)
          .trustManager(InsecureTrustManagerFactory.INSTANCE), SslProvider.JDK).build());
    }
    this.server = builder.addService(new Bundles()).addService(new Entries()).addService(new Svids()).build().start();
    this.channel = NettyChannelBuilder.forAddress(address.getHostString(), server.getPort()).usePlaintext().build();
  }

  /** A ServerApi talking to this fake; closing it closes only its own channel wrapper. */
  public ServerApi api() {
    return new ServerApi(ServerConnection.of(channel), Duration.ofSeconds(10));
  }

  public Entry entry(String id, String path, long revision, String... selectors) {
    Entry.Builder entry = Entry.newBuilder().setId(id)
        .setSpiffeId(SpiffeIdProtos.toProto(trustDomain.id(path)))
        .setParentId(SpiffeIdProtos.toProto(trustDomain.id("/spire/agent/join_token/t")))
        .setRevisionNumber(revision);
    for (String selector : selectors) {
      int colon = selector.indexOf(':');
      entry.addSelectors(Selector.newBuilder().setType(selector.substring(0, colon)).setValue(selector.substring(colon + 1)));
    }
    return entry.build();
  }

  public void put(Entry entry) {
    entries.put(entry.getId(), entry);
  }

  public int port() {
    return server.getPort();
  }

  public int issuedCount(String entryId) {
    return issuedKeys.getOrDefault(entryId, List.of()).size();
  }

  private void check(String call) {
    calls.add(call);
    StatusRuntimeException error = failure;
    if (error != null) {
      throw error;
    }
  }

  private final class Bundles extends BundleGrpc.BundleImplBase {
    @Override
    public void getBundle(GetBundleRequest request, StreamObserver<dev.signet.proto.spire.api.types.Bundle> observer) {
      try {
        check("GetBundle");
        observer.onNext(BundleProtos.toProto(bundle));
        observer.onCompleted();
      } catch (StatusRuntimeException e) {
        observer.onError(e);
      }
    }

    @Override
    public void getFederatedBundle(GetFederatedBundleRequest request,
        StreamObserver<dev.signet.proto.spire.api.types.Bundle> observer) {
      try {
        check("GetFederatedBundle");
        Bundle found = federated.get(TrustDomain.parse(request.getTrustDomain()));
        if (found == null) {
          throw io.grpc.Status.NOT_FOUND.withDescription("bundle not found").asRuntimeException();
        }
        observer.onNext(BundleProtos.toProto(found));
        observer.onCompleted();
      } catch (StatusRuntimeException e) {
        observer.onError(e);
      }
    }
  }

  private final class Entries extends EntryGrpc.EntryImplBase {
    @Override
    public void getAuthorizedEntries(GetAuthorizedEntriesRequest request,
        StreamObserver<GetAuthorizedEntriesResponse> observer) {
      try {
        beforeAuthorizedEntries.run();
        check("GetAuthorizedEntries");
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort((a, b) -> a.getId().compareTo(b.getId()));
        observer.onNext(GetAuthorizedEntriesResponse.newBuilder().addAllEntries(sorted).build());
        observer.onCompleted();
      } catch (StatusRuntimeException e) {
        observer.onError(e);
      }
    }
  }

  private final class Svids extends SVIDGrpc.SVIDImplBase {
    @Override
    public void batchNewX509SVID(BatchNewX509SVIDRequest request, StreamObserver<BatchNewX509SVIDResponse> observer) {
      try {
        check("BatchNewX509SVID");
        if (batchFailure != null) {
          throw batchFailure;
        }
        BatchNewX509SVIDResponse.Builder response = BatchNewX509SVIDResponse.newBuilder();
        for (NewX509SVIDParams params : request.getParamsList()) {
          response.addResults(sign(params));
        }
        observer.onNext(response.build());
        observer.onCompleted();
      } catch (StatusRuntimeException e) {
        observer.onError(e);
      }
    }

    private BatchNewX509SVIDResponse.Result sign(NewX509SVIDParams params) {
      Entry entry = entries.get(params.getEntryId());
      if (entry == null || refused.contains(params.getEntryId())) {
        return BatchNewX509SVIDResponse.Result.newBuilder().setStatus(Status.newBuilder()
            .setCode(io.grpc.Status.Code.NOT_FOUND.value()).setMessage("entry not found or not authorized")).build();
      }
      PublicKey key;
      try {
        JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(params.getCsr().toByteArray());
        key = csr.getPublicKey();
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
          throw new IllegalStateException("csr signature is invalid");
        }
      } catch (IOException | GeneralSecurityException | PKCSException | OperatorCreationException e) {
        throw new IllegalStateException("bad csr for " + params.getEntryId(), e);
      }
      issuedKeys.computeIfAbsent(params.getEntryId(), k -> new CopyOnWriteArrayList<>()).add(key);
      SpiffeId id = SpiffeIdProtos.fromProto("spiffe_id", entry.getSpiffeId());
      Instant now = clock.instant();
      PublicKey certified = certifyWrongKey ? KeyType.EC_P256.generate().getPublic() : key;
      TestCertificate.Issued leaf = TestCertificate.leaf(id.toString(), ca)
          .keyPair(new KeyPair(certified, null)).validity(now, now.plus(ttl)).issue();
      return BatchNewX509SVIDResponse.Result.newBuilder()
          .setStatus(Status.newBuilder().setCode(0).setMessage("OK"))
          .setSvid(SvidProtos.toProto(id, List.of(leaf.certificate()))).build();
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
