package dev.signet.benchmarks.sidebyside;

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
import com.google.protobuf.ByteString;
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

/**
 * A load client attested to a server over the AttestAgent protocol with a join token (Signet's agent code:
 * {@link NodeAttestation}), as an agent is: its agent ID, its agent SVID as a key manager, and a trust manager
 * that checks the server's SPIFFE ID only (the loads measure the server, not bootstrap trust).
 */
record LoadAgent(String agentPath, SvidKeyManager svid, SpiffeServerTrustManager trust) {
  static LoadAgent attest(AdminApi admin, int serverPort) {
    TrustDomain trustDomain = TrustDomain.parse(AdminApi.TRUST_DOMAIN);
    SpiffeServerTrustManager trust = new SpiffeServerTrustManager(trustDomain.id("/spire/server"), Optional::empty,
        true, Clock.systemUTC());
    String token = admin.joinToken();
    KeyPair agentKey = KeyType.EC_P256.generate();
    AttestAgentResponse.Result attested;
    try (ServerConnection bootstrap = ServerConnection.open("127.0.0.1", serverPort, trust, null)) {
      attested = NodeAttestation.attest(AgentGrpc.newStub(bootstrap.channel()), new JoinTokenAttestorClient(token),
          Csrs.forKey(agentKey), Duration.ofSeconds(30));
    }
    return new LoadAgent("/spire/agent/join_token/" + token, new SvidKeyManager(new SvidKeyManager.KeyMaterial(
        agentKey.getPrivate(), certificates(attested.getSvid().getCertChainList()))), trust);
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
