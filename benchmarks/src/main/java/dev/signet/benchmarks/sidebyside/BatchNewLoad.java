package dev.signet.benchmarks.sidebyside;

import com.google.protobuf.ByteString;
import dev.signet.agent.client.NodeAttestation;
import dev.signet.agent.client.ServerConnection;
import dev.signet.attestors.node.jointoken.JoinTokenAttestorClient;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * BatchNewX509SVID as an agent calls it, by a load client that attests over the same AttestAgent protocol with a
 * join token (Signet's agent code: {@link NodeAttestation}), registers entries under its own agent ID, and then
 * asks for SVIDs for all of them per call from several mTLS connections: SVIDs per second and the server's CPU
 * time per SVID.
 */
final class BatchNewLoad {
  private BatchNewLoad() {}

  static Throughput.Rate perSecond(AdminApi admin, int serverPort, long serverPid, int clients, int entriesPerCall,
      int seconds) {
    TrustDomain trustDomain = TrustDomain.parse(AdminApi.TRUST_DOMAIN);
    // the load client checks the server's SPIFFE ID only: it measures issuance, not bootstrap trust
    SpiffeServerTrustManager trust = new SpiffeServerTrustManager(trustDomain.id("/spire/server"), Optional::empty,
        true, Clock.systemUTC());
    String token = admin.joinToken();
    KeyPair agentKey = KeyType.EC_P256.generate();
    AttestAgentResponse.Result attested;
    try (ServerConnection bootstrap = ServerConnection.open("127.0.0.1", serverPort, trust, null)) {
      attested = NodeAttestation.attest(AgentGrpc.newStub(bootstrap.channel()), new JoinTokenAttestorClient(token),
          Csrs.forKey(agentKey), Duration.ofSeconds(30));
    }
    SvidKeyManager agentSvid = new SvidKeyManager(new SvidKeyManager.KeyMaterial(agentKey.getPrivate(),
        certificates(attested.getSvid().getCertChainList())));
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < entriesPerCall; i++) {
      entries.add(AdminApi.entry("/spire/agent/join_token/" + token, "/batch-load/" + i, "unix", "uid:" + (900_000 + i)));
    }
    ByteString csr = ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate()));
    BatchNewX509SVIDRequest.Builder request = BatchNewX509SVIDRequest.newBuilder();
    for (String id : admin.create(entries)) {
      request.addParams(NewX509SVIDParams.newBuilder().setEntryId(id).setCsr(csr));
    }
    List<ServerConnection> connections = new ArrayList<>();
    try {
      List<IntSupplier> calls = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ServerConnection connection = ServerConnection.open("127.0.0.1", serverPort, trust, agentSvid);
        connections.add(connection);
        SVIDGrpc.SVIDBlockingStub svid = SVIDGrpc.newBlockingStub(connection.channel());
        calls.add(() -> issued(svid.withDeadlineAfter(30, TimeUnit.SECONDS).batchNewX509SVID(request.build())));
      }
      awaitAuthorized(calls.get(0));
      return Throughput.measure(calls, 2, seconds, serverPid);
    } finally {
      connections.forEach(ServerConnection::close);
    }
  }

  /** Servers learn of new entries through caches (SPIRE's reloads every 5 s): wait until the first call succeeds. */
  private static void awaitAuthorized(IntSupplier call) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        call.getAsInt();
        return;
      } catch (IllegalStateException | StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the load client's entries were not authorized within 60 s", e);
        }
        LockSupport.parkNanos(200_000_000);
      }
    }
  }

  private static int issued(BatchNewX509SVIDResponse response) {
    for (BatchNewX509SVIDResponse.Result result : response.getResultsList()) {
      if (result.getStatus().getCode() != 0) {
        throw new IllegalStateException("BatchNewX509SVID refused an entry: " + result.getStatus().getMessage());
      }
    }
    return response.getResultsCount();
  }

  private static List<X509Certificate> certificates(List<ByteString> der) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>();
      for (ByteString certificate : der) {
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(certificate.toByteArray())));
      }
      return chain;
    } catch (CertificateException e) {
      throw new IllegalStateException("the server's agent SVID does not parse", e);
    }
  }
}
