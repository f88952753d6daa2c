package dev.signet.server.ca;

import dev.signet.ca.CaException;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.jwt.JwtSvidMinter;
import dev.signet.ca.manager.CaManager;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.CsrParser;
import dev.signet.ca.x509.InvalidCsrException;
import dev.signet.ca.x509.MintedX509Svid;
import dev.signet.ca.x509.ParsedCsr;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.ca.x509.X509SvidMinter;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.server.api.localauthority.LocalAuthorityService;
import dev.signet.common.svid.JwtSvid;
import dev.signet.server.api.InputValidation;
import io.grpc.Status;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import dev.signet.common.telemetry.Metrics;
import java.util.List;

/**
 * The one place the server issues SVIDs: parses CSRs, applies TTL defaults, signs with the CA's
 * currently active authority, and runs the credential validator on every result.
 */
public final class SvidIssuer {
  private final CaManager ca;
  private final Clock clock;
  private final Duration defaultX509Ttl;
  private final Duration defaultJwtTtl;
  private final Duration agentTtl;
  private final String jwtIssuer;
  private final Metrics metrics;
  /** The last authority {@link #checkedActiveX509} proved. */
  private volatile X509SigningAuthority mintingChecked;

  public SvidIssuer(CaManager ca, Clock clock, Duration defaultX509Ttl, Duration defaultJwtTtl, Duration agentTtl,
      String jwtIssuer) {
    this(ca, clock, defaultX509Ttl, defaultJwtTtl, agentTtl, jwtIssuer, Metrics.NONE);
  }

  /** Counting every SVID signed in {@code metrics}: SPIRE's {@code server_ca_sign_x509_svid}, {@code …_jwt_svid}. */
  public SvidIssuer(CaManager ca, Clock clock, Duration defaultX509Ttl, Duration defaultJwtTtl, Duration agentTtl,
      String jwtIssuer, Metrics metrics) {
    this.metrics = metrics;
    metrics.declare("server_ca_sign_x509_svid");
    metrics.declare("server_ca_sign_jwt_svid");
    metrics.declare("server_ca_sign_x509_ca");
    this.ca = ca;
    this.clock = clock;
    this.defaultX509Ttl = defaultX509Ttl;
    this.defaultJwtTtl = defaultJwtTtl;
    this.agentTtl = agentTtl;
    this.jwtIssuer = jwtIssuer;
  }

  /** Parses and verifies a PKCS#10 CSR; a bad signature, weak key or a CA request is INVALID_ARGUMENT. */
  public ParsedCsr parseCsr(byte[] der) {
    ParsedCsr csr;
    try {
      csr = CsrParser.parse(der);
    } catch (InvalidCsrException e) {
      throw InputValidation.invalid("malformed CSR: " + e.getMessage());
    }
    if (csr.requestsCa()) {
      throw InputValidation.invalid("CSR asks for a CA certificate (basic constraints CA:true)");
    }
    return csr;
  }

  /**
   * Parses and verifies a downstream server's CSR for its intermediate CA. SPIRE takes only the key from it;
   * we also refuse a CSR that names anything but this trust domain's CA ID {@code spiffe://<td>} (a workload
   * ID, another trust domain, DNS names): a downstream server of another trust domain, or one confused about
   * what it asks for, learns it here instead of receiving a CA it would then misuse. A CSR that names nothing
   * is taken, as SPIRE takes it.
   */
  public ParsedCsr parseDownstreamCaCsr(byte[] der, TrustDomain trustDomain) {
    ParsedCsr csr;
    try {
      csr = CsrParser.parse(der);
    } catch (InvalidCsrException e) {
      throw InputValidation.invalid("malformed CSR: " + e.getMessage());
    }
    if (!csr.dnsSans().isEmpty()) {
      throw InputValidation.invalid("downstream CA CSR asks for DNS SANs " + csr.dnsSans() + "; a CA has none");
    }
    if (csr.uriSans().size() > 1) {
      throw InputValidation.invalid("downstream CA CSR asks for " + csr.uriSans().size() + " URI SANs "
          + csr.uriSans() + "; a CA has one, \"" + trustDomain.id() + "\"");
    }
    for (String uri : csr.uriSans()) {
      SpiffeId id = InputValidation.spiffeId("CSR URI SAN", uri);
      if (!id.trustDomain().equals(trustDomain)) {
        throw InputValidation.invalid("downstream CA CSR is for trust domain \"" + id.trustDomain()
            + "\", not \"" + trustDomain + "\"");
      }
      if (!id.equals(trustDomain.id())) {
        throw InputValidation.invalid("downstream CA CSR asks for \"" + id + "\", not a CA ID; a CA of this "
            + "trust domain is \"" + trustDomain.id() + "\"");
      }
    }
    return csr;
  }

  /**
   * Signs a downstream server's intermediate CA ({@code ttl} zero: {@code ca_ttl}); returns it followed by the
   * chain to (excluding) the roots. Counted as SPIRE's {@code server_ca_sign_x509_ca}.
   */
  public List<X509Certificate> issueDownstreamCa(PublicKey key, Duration ttl) {
    List<X509Certificate> chain;
    try {
      chain = ca.signDownstreamX509Ca(key, ttl);
    } catch (CaException e) {
      throw LocalAuthorityService.statusOf(e);
    }
    metrics.increment("server_ca_sign_x509_ca");
    return chain;
  }

  /** The public key of a valid CSR (agent SVIDs: the server decides the identity). */
  public PublicKey csrPublicKey(byte[] der) {
    return parseCsr(der).publicKey();
  }

  /** The X.509 TTL for an entry TTL in seconds (0 = the configured default). */
  public Duration x509Ttl(int seconds) {
    return seconds == 0 ? defaultX509Ttl : Duration.ofSeconds(seconds);
  }

  /** The JWT TTL for an entry TTL in seconds (0 = the configured default). */
  public Duration jwtTtl(int seconds) {
    return seconds == 0 ? defaultJwtTtl : Duration.ofSeconds(seconds);
  }

  /** Issues a workload X509-SVID; returns the chain leaf first, without the root. */
  public IssuedX509Svid issueX509Svid(PublicKey key, SpiffeId id, List<String> dnsNames, Duration ttl) {
    X509SigningAuthority authority = checkedActiveX509();
    MintedX509Svid leaf = X509SvidMinter.mintEncoded(authority, key, id, dnsNames, ttl, clock.instant());
    metrics.increment("server_ca_sign_x509_svid");
    return new IssuedX509Svid(leaf, authority.chainWithoutRoot());
  }

  /** Issues an agent SVID with {@code agent_ttl}. */
  public IssuedX509Svid issueAgentSvid(PublicKey key, SpiffeId agentId) {
    return issueX509Svid(key, agentId, List.of(), agentTtl);
  }

  /** Issues a JWT-SVID signed by the active JWT authority. */
  public JwtSvid issueJwtSvid(SpiffeId id, List<String> audience, Duration ttl) {
    return issueJwtSvid(id, audience, ttl, false);
  }

  /** Issues a JWT-SVID signed by the active JWT authority, with a unique {@code jti} claim when {@code withJti}. */
  public JwtSvid issueJwtSvid(SpiffeId id, List<String> audience, Duration ttl, boolean withJti) {
    JwtSigningAuthority authority = ca.currentJwtAuthority();
    if (authority == null) {
      throw Status.UNAVAILABLE.withDescription("no active JWT authority").asRuntimeException();
    }
    JwtSvid svid = JwtSvidMinter.mint(authority, id, audience, ttl, jwtIssuer, clock.instant(), withJti);
    metrics.increment("server_ca_sign_jwt_svid");
    return svid;
  }

  /** The certificate of the active X.509 authority. */
  public X509Certificate activeAuthorityCertificate() {
    return activeX509().certificate();
  }

  /**
   * The active X.509 authority, proven by {@link CredentialValidator#validateMinting} before its first SVID
   * (two threads may both check a new authority; the check has no side effect).
   */
  private X509SigningAuthority checkedActiveX509() {
    X509SigningAuthority authority = activeX509();
    if (authority != mintingChecked) {
      CredentialValidator.validateMinting(authority, clock.instant());
      mintingChecked = authority;
    }
    return authority;
  }

  private X509SigningAuthority activeX509() {
    X509SigningAuthority authority = ca.currentX509Authority();
    if (authority == null) {
      throw Status.UNAVAILABLE.withDescription("no active X.509 authority").asRuntimeException();
    }
    return authority;
  }
}
