package dev.signet.it;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The server admin API calls of the crash tests, over raw gRPC on the admin socket (no CLI JVM per call,
 * so a load can run many of them between two kills). Every method returns only when the server
 * acknowledged the change, and throws otherwise.
 */
final class AdminWire implements AutoCloseable {
  private final UdsGrpc grpc;

  AdminWire(Path socket) {
    this.grpc = new UdsGrpc(socket);
  }

  String createEntry(String parentId, String spiffeId, String selector) {
    return grpc.createEntry(parentId, spiffeId, selector);
  }

  /** BatchUpdateEntry of {@code x509_svid_ttl} (Entry field 5) alone, through the input mask. */
  void updateEntryTtl(String entryId, int ttlSeconds) {
    Pb request = Pb.message()
        .message(1, Pb.message().string(1, entryId).int64(5, ttlSeconds))
        .message(2, Pb.message().bool(5, true));
    ByteString response = grpc.call("spire.api.server.entry.v1.Entry/BatchUpdateEntry", request);
    Pb.requireOkStatus("BatchUpdateEntry", Pb.field(response, 1), 1);
  }

  void deleteEntry(String entryId) {
    ByteString response = grpc.call("spire.api.server.entry.v1.Entry/BatchDeleteEntry",
        Pb.message().string(1, entryId));
    Pb.requireOkStatus("BatchDeleteEntry", Pb.field(response, 1), 1);
  }

  /** CreateJoinToken (ttl = 1, agent_id = 3); returns the token's value. */
  String createJoinToken(int ttlSeconds, String agentId) {
    ByteString token = grpc.call("spire.api.server.agent.v1.Agent/CreateJoinToken",
        Pb.message().int64(1, ttlSeconds).message(3, Pb.spiffeId(agentId)));
    return Pb.field(token, 1).toStringUtf8();
  }

  /** BatchSetFederatedBundle of one bundle with one X.509 authority. */
  void setFederatedBundle(String trustDomain, byte[] authorityDer) {
    Pb bundle = Pb.message().string(1, trustDomain).message(2, Pb.message().bytes(1, authorityDer));
    ByteString response = grpc.call("spire.api.server.bundle.v1.Bundle/BatchSetFederatedBundle",
        Pb.message().message(1, bundle));
    Pb.requireOkStatus("BatchSetFederatedBundle", Pb.field(response, 1), 1);
  }

  /** The X.509 authorities of a federated bundle (GetFederatedBundle; NOT_FOUND when it is unknown). */
  List<X509Certificate> federatedBundle(String trustDomain) {
    ByteString bundle = grpc.call("spire.api.server.bundle.v1.Bundle/GetFederatedBundle",
        Pb.message().string(1, trustDomain));
    return authorities(bundle);
  }

  /** PrepareX509Authority; returns the prepared authority's id. */
  String prepareX509Authority() {
    ByteString response = grpc.call("spire.api.server.localauthority.v1.LocalAuthority/PrepareX509Authority",
        Pb.message());
    return Pb.field(Pb.field(response, 1), 1).toStringUtf8();
  }

  void activateX509Authority(String authorityId) {
    grpc.call("spire.api.server.localauthority.v1.LocalAuthority/ActivateX509Authority",
        Pb.message().string(1, authorityId));
  }

  /** MintX509SVID for a DER CSR; returns the chain, leaf first. */
  List<X509Certificate> mintX509Svid(byte[] csr, int ttlSeconds) {
    ByteString response = grpc.call("spire.api.server.svid.v1.SVID/MintX509SVID",
        Pb.message().bytes(1, csr).int64(2, ttlSeconds));
    List<X509Certificate> chain = new ArrayList<>();
    for (ByteString der : Pb.fields(Pb.field(response, 1), 1)) {
      chain.add(certificate(der));
    }
    return chain;
  }

  /** The X.509 authorities of the server's own bundle (GetBundle). */
  List<X509Certificate> bundleRoots() {
    return authorities(grpc.call("spire.api.server.bundle.v1.Bundle/GetBundle", Pb.message()));
  }

  private static List<X509Certificate> authorities(ByteString bundle) {
    List<X509Certificate> roots = new ArrayList<>();
    for (ByteString authority : Pb.fields(bundle, 2)) {
      roots.add(certificate(Pb.field(authority, 1)));
    }
    return roots;
  }

  private static X509Certificate certificate(ByteString der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    } catch (CertificateException e) {
      throw new AssertionError("not a certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    grpc.close();
  }
}
