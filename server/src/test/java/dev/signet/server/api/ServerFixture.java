package dev.signet.server.api;

import com.google.protobuf.ByteString;
import dev.signet.attestors.node.ServerNodeAttestors;
import dev.signet.server.config.ServerCatalogs;
import dev.signet.common.plugin.PluginHarness;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AgentX509SVIDParams;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.types.AttestationData;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.server.SignetServer;
import dev.signet.server.config.CaSubject;
import dev.signet.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A real {@link SignetServer} on an ephemeral TCP port and a temporary admin socket, with clients for
 * both: the admin socket (LOCAL caller), anonymous TLS, and mTLS with any key and chain. The server runs
 * on a {@link ManualClock} that starts at the current time, so tests can expire tokens and SVIDs.
 */
final class ServerFixture implements AutoCloseable {
  static final TrustDomain TD = TrustDomain.parse("example.org");
  static final SpiffeId SERVER_ID = TD.id("/spire/server");
  /** The access API admin ({@code access_api.admin_ids}). */
  static final SpiffeId ACCESS_ADMIN = TD.id("/ops/admin");
  /** A policy enforcement point ({@code access_api.decision_clients}). */
  static final SpiffeId DECISION_CLIENT = TD.id("/ops/console");
  private static final AtomicInteger DATABASES = new AtomicInteger();

  final ManualClock clock = new ManualClock(Instant.now());
  private final Path socketDir;
  private final Path dataDir;
  private final Path policyDir;
  private final EventLoopGroup udsGroup = UnixSockets.newEventLoopGroup(1);
  private final List<ManagedChannel> channels = new ArrayList<>();
  final SignetServer server;
  final ManagedChannel admin;

  ServerFixture() throws IOException {
    this(List.of());
  }

  ServerFixture(List<SpiffeId> adminIds) throws IOException {
    this(adminIds, false);
  }

  /** With {@code accessTls}, the access API serves HTTPS and takes X509-SVID client certificates. */
  ServerFixture(List<SpiffeId> adminIds, boolean accessTls) throws IOException {
    this(adminIds, accessTls, ServerConfig.FederationSettings.NONE);
  }

  /** With {@code federation}: a bundle endpoint and/or configured federation relationships. */
  ServerFixture(List<SpiffeId> adminIds, boolean accessTls, ServerConfig.FederationSettings federation)
      throws IOException {
    this(adminIds, accessTls, federation, List.of(TD));
  }

  /** With {@code accessTrustDomains} as {@code access_api.allowed_trust_domains}. */
  ServerFixture(List<SpiffeId> adminIds, boolean accessTls, ServerConfig.FederationSettings federation,
      List<TrustDomain> accessTrustDomains) throws IOException {
    this(adminIds, accessTls, federation, accessTrustDomains, null);
  }

  /** With {@code telemetry} as the {@code telemetry {}} block. */
  ServerFixture(dev.signet.common.telemetry.TelemetryConfig telemetry) throws IOException {
    this(List.of(), false, ServerConfig.FederationSettings.NONE, List.of(TD), telemetry);
  }

  private ServerFixture(List<SpiffeId> adminIds, boolean accessTls, ServerConfig.FederationSettings federation,
      List<TrustDomain> accessTrustDomains, dev.signet.common.telemetry.TelemetryConfig telemetry)
      throws IOException {
    socketDir = Files.createTempDirectory(Path.of("/tmp"), "sgn");
    dataDir = Files.createTempDirectory("signet-server-data");
    policyDir = Files.createTempDirectory("signet-policies");
    ServerConfig config = new ServerConfig(TD, "127.0.0.1", 0, socketDir.resolve("private/api.sock"), dataDir,
        "INFO", Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofHours(1),
        KeyType.EC_P256, KeyType.EC_P256, CaSubject.DEFAULT, null, adminIds, false, false,
        SqlConfig.inMemory("server-api-" + DATABASES.incrementAndGet() + "-" + UUID.randomUUID()),
        PluginHarness.load(ServerCatalogs.KEY_MANAGERS, "KeyManager \"memory\" {}"), null, List.of(PluginHarness.load(ServerNodeAttestors.CATALOG, "NodeAttestor \"join_token\" {}")), null,
        new ServerConfig.AccessApiSettings("127.0.0.1", 0, List.of("signet-access"), policyDir, List.of(ACCESS_ADMIN), accessTls,
            List.of(DECISION_CLIENT), accessTrustDomains),
        new ServerConfig.AuditSettings(dataDir.resolve("audit.log"), false), federation, false,
        dev.signet.common.crypto.CryptoProviderMode.AUTO, null, telemetry);
    server = SignetServer.start(config, clock);
    admin = track(UnixSockets.channel(socketDir.resolve("private/api.sock"), udsGroup));
  }

  private ManagedChannel track(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  // ---- admin helpers

  AgentGrpc.AgentBlockingStub adminAgents() {
    return AgentGrpc.newBlockingStub(admin).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  EntryGrpc.EntryBlockingStub adminEntries() {
    return EntryGrpc.newBlockingStub(admin).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  BundleGrpc.BundleBlockingStub adminBundles() {
    return BundleGrpc.newBlockingStub(admin).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Our own bundle as GetBundle over the admin socket returns it. */
  Bundle bundle() {
    return BundleProtos.fromProto(adminBundles().getBundle(GetBundleRequest.getDefaultInstance()));
  }

  String newJoinToken(int ttlSeconds) {
    return adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(ttlSeconds).build()).getValue();
  }

  /** Creates one entry over the admin socket and returns it (fails the test when the server refuses it). */
  Entry createEntry(Entry entry) {
    BatchCreateEntryResponse response = adminEntries().batchCreateEntry(
        BatchCreateEntryRequest.newBuilder().addEntries(entry).build());
    BatchCreateEntryResponse.Result result = response.getResults(0);
    if (result.getStatus().getCode() != 0) {
      throw new AssertionError("entry was refused: " + result.getStatus());
    }
    return result.getEntry();
  }

  static SPIFFEID id(SpiffeId id) {
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }

  static SPIFFEID id(String path) {
    return SPIFFEID.newBuilder().setTrustDomain(TD.name()).setPath(path).build();
  }

  static Selector selector(String type, String value) {
    return Selector.newBuilder().setType(type).setValue(value).build();
  }

  static Entry.Builder entry(String path, SpiffeId parent) {
    return Entry.newBuilder().setSpiffeId(id(path)).setParentId(id(parent))
        .addSelectors(selector("unix", "uid:" + (1000 + Math.abs(path.hashCode() % 5000))));
  }

  // ---- TCP clients

  /** TLS to the TCP endpoint without a client certificate. */
  ManagedChannel anonymous() {
    return tcp(null, null);
  }

  /** mTLS to the TCP endpoint presenting {@code chain} (leaf first). */
  ManagedChannel mtls(PrivateKey key, List<X509Certificate> chain) {
    return tcp(key, chain);
  }

  ManagedChannel mtls(Identity identity) {
    return tcp(identity.keyPair().getPrivate(), identity.chain());
  }

  private ManagedChannel tcp(PrivateKey key, List<X509Certificate> chain) {
    Bundle bundle = bundle();
    SslContextBuilder tls = SslContextBuilder.forClient().trustManager(new ServerTrust(BundleSource.of(bundle)));
    if (key != null) {
      tls.keyManager(key, chain.toArray(X509Certificate[]::new));
    }
    try {
      return track(NettyChannelBuilder.forAddress("127.0.0.1", server.tcpPort())
          .sslContext(GrpcSslContexts.configure(tls, SslProvider.JDK).build())
          .overrideAuthority("signet-server")
          .build());
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- attestation

  /** An agent (or workload) key with the chain the server issued for it. */
  record Identity(SpiffeId id, KeyPair keyPair, List<X509Certificate> chain) {
    X509Certificate leaf() {
      return chain.getFirst();
    }
  }

  static AttestAgentRequest joinTokenParams(String token, byte[] csr) {
    return AttestAgentRequest.newBuilder().setParams(AttestAgentRequest.Params.newBuilder()
        .setData(AttestationData.newBuilder().setType("join_token")
            .setPayload(ByteString.copyFrom(token, StandardCharsets.UTF_8)))
        .setParams(AgentX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(csr))))
        .build();
  }

  /** Runs one AttestAgent stream that sends {@code first} and expects no challenge. */
  AttestAgentResponse.Result attest(AttestAgentRequest first) {
    ManagedChannel channel = anonymous();
    // completes when the stream ends, not on the result message: the server has then closed the call (and
    // counted it), so shutting the channel down afterwards cannot turn the call into a cancelled one
    CompletableFuture<AttestAgentResponse.Result> result = new CompletableFuture<>();
    AtomicReference<AttestAgentResponse.Result> received = new AtomicReference<>();
    StreamObserver<AttestAgentRequest> requests = AgentGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .attestAgent(new StreamObserver<>() {
          @Override
          public void onNext(AttestAgentResponse response) {
            if (response.hasResult()) {
              received.set(response.getResult());
            } else {
              result.completeExceptionally(new AssertionError("unexpected challenge: " + response));
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            if (received.get() == null) {
              result.completeExceptionally(new AssertionError("stream completed without a result"));
            } else {
              result.complete(received.get());
            }
          }
        });
    requests.onNext(first);
    requests.onCompleted();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("AttestAgent did not finish", e);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Creates a join token and attests with it: a fresh agent. */
  Identity attestNewAgent() {
    String token = newJoinToken(600);
    KeyPair key = KeyType.EC_P256.generate();
    AttestAgentResponse.Result result = attest(joinTokenParams(token, Csrs.forKey(key)));
    return new Identity(TD.id("/spire/agent/join_token/" + token), key, SvidProtos.chainOf(result.getSvid()));
  }

  /** The admin socket, for running CLI commands against this server. */
  /** The access API's policy directory (watched; starts empty). */
  Path policyDir() {
    return policyDir;
  }

  /** The lines of the server's audit trail. */
  List<String> auditLines() throws IOException {
    return Files.readAllLines(dataDir.resolve("audit.log"));
  }

  int bundleEndpointPort() {
    return server.bundleEndpointPort();
  }

  int accessApiPort() {
    return server.accessApiPort();
  }

  Path socketPath() {
    return socketDir.resolve("private/api.sock");
  }

  /** The server's datastore, to seed state the API cannot create and to check that nothing changed. */
  DataStore dataStore() {
    return server.dataStore();
  }

  /**
   * Marks an attested agent as able to re-attest (as a node attestor with {@code canReattest} would have),
   * keeping its current SVID serial, so the agent's existing mTLS identity still authorizes.
   */
  void makeReattestable(Identity agent) {
    AttestedNode node = dataStore().fetchAttestedNode(agent.id()).orElseThrow();
    dataStore().deleteNode(agent.id());
    dataStore().createAttestedNode(new AttestedNode(node.spiffeId(), node.attestationDataType(),
        node.certSerialNumber(), node.certNotAfter(), node.newCertSerialNumber(), node.newCertNotAfter(), true,
        false, node.selectors()));
    dataStore().setNodeSelectors(agent.id(), node.selectors());
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
    udsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    for (Path dir : List.of(socketDir, dataDir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: temp files
      }
    }
  }

  /** Accepts exactly the server's X509-SVID ({@code spiffe://example.org/spire/server}) chaining to the bundle. */
  private static final class ServerTrust extends X509ExtendedTrustManager {
    private final BundleSource bundles;

    ServerTrust(BundleSource bundles) {
      this.bundles = bundles;
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
      try {
        SpiffeId id = X509SvidValidator.verify(List.of(chain), bundles, Instant.now());
        if (!id.equals(SERVER_ID)) {
          throw new CertificateException("server presented " + id);
        }
      } catch (SvidValidationException e) {
        throw new CertificateException(e.getMessage(), e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
