package dev.signet.server.ca;

import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.tls.SvidKeyManager;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own X509-SVID ({@code spiffe://<td>/spire/server}) presented on the TCP endpoint. It is
 * renewed at half its lifetime and whenever the active X.509 authority changes, so agents verifying it
 * against the bundle never see a certificate from a retired CA.
 */
public final class ServerSvid {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSvid.class);
  private final SvidIssuer issuer;
  private final SpiffeId serverId;
  private final Duration ttl;
  private final Clock clock;
  private final SvidKeyManager keyManager;
  private volatile X509Certificate issuedBy;

  public ServerSvid(SvidIssuer issuer, SpiffeId serverId, Duration ttl, Clock clock) {
    this.issuer = issuer;
    this.serverId = serverId;
    this.ttl = ttl;
    this.clock = clock;
    this.keyManager = new SvidKeyManager(mint());
  }

  /** The key manager the TLS endpoint uses; it always holds the current SVID. */
  public SvidKeyManager keyManager() {
    return keyManager;
  }

  /** Renews the SVID when it is past half its life or was signed by an authority that is no longer active. */
  public synchronized void renewIfDue(X509Certificate activeAuthority) {
    X509Certificate leaf = keyManager.current().chain().getFirst();
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant half = notBefore.plus(Duration.between(notBefore, leaf.getNotAfter().toInstant()).dividedBy(2));
    if (!clock.instant().isBefore(half) || !activeAuthority.equals(issuedBy)) {
      keyManager.update(mint());
      LOG.info("server svid renewed, valid until {}", keyManager.current().chain().getFirst().getNotAfter().toInstant());
    }
  }

  private SvidKeyManager.KeyMaterial mint() {
    KeyPair key = KeyType.EC_P256.generate();
    List<X509Certificate> chain = issuer.issueX509Svid(key.getPublic(), serverId, List.of(), ttl).chain();
    issuedBy = issuer.activeAuthorityCertificate();
    return new SvidKeyManager.KeyMaterial(key.getPrivate(), chain);
  }
}
