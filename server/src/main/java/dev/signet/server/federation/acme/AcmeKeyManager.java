package dev.signet.server.federation.acme;

import dev.signet.common.tls.SvidKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of an ACME bundle endpoint: ordinary handshakes get the certificate the ACME CA issued (none
 * before the first one arrives: those handshakes fail); a handshake that negotiated the {@code acme-tls/1}
 * application protocol (RFC 8737, the tls-alpn-01 challenge) for a domain with a pending challenge gets that
 * challenge's self-signed validation certificate instead.
 *
 * <p>Security decision: the validation certificate is presented only to a client that asked for {@code acme-tls/1}
 * and named the challenged domain in SNI, and only while the challenge is pending; it carries no usable identity
 * (RFC 8737 forbids clients other than the ACME CA from accepting it).
 */
public final class AcmeKeyManager extends X509ExtendedKeyManager {
  /** The ALPN protocol of tls-alpn-01 (RFC 8737, section 6.2). */
  public static final String ACME_TLS_1 = "acme-tls/1";
  private static final String CHALLENGE_PREFIX = "acme-challenge:";

  private final Map<String, SvidKeyManager.KeyMaterial> challenges = new ConcurrentHashMap<>();
  private volatile SvidKeyManager served;

  /** Presents {@code material} to ordinary clients from the next handshake on. */
  public synchronized void serve(SvidKeyManager.KeyMaterial material) {
    if (served == null) {
      served = new SvidKeyManager(material);
    } else {
      served.update(material);
    }
  }

  /** The certificate served now, if one was issued yet. */
  public java.util.Optional<SvidKeyManager.KeyMaterial> current() {
    SvidKeyManager keys = served;
    return keys == null ? java.util.Optional.empty() : java.util.Optional.of(keys.current());
  }

  /** Presents {@code validation} to tls-alpn-01 handshakes for {@code domain} until {@link #withdraw}. */
  void offer(String domain, SvidKeyManager.KeyMaterial validation) {
    challenges.put(domain.toLowerCase(Locale.ROOT), validation);
  }

  void withdraw(String domain) {
    challenges.remove(domain.toLowerCase(Locale.ROOT));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    if (socket instanceof SSLSocket tls && ACME_TLS_1.equals(tls.getHandshakeApplicationProtocol())) {
      return challengeAlias(tls.getHandshakeSession());
    }
    SvidKeyManager keys = served;
    return keys == null ? null : keys.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine != null && ACME_TLS_1.equals(engine.getHandshakeApplicationProtocol())) {
      return challengeAlias(engine.getHandshakeSession());
    }
    SvidKeyManager keys = served;
    return keys == null ? null : keys.chooseEngineServerAlias(keyType, issuers, engine);
  }

  private String challengeAlias(SSLSession handshake) {
    if (!(handshake instanceof ExtendedSSLSession session)) {
      return null;
    }
    List<SNIServerName> names = session.getRequestedServerNames();
    for (SNIServerName name : names) {
      if (name instanceof SNIHostName host) {
        String domain = host.getAsciiName().toLowerCase(Locale.ROOT);
        if (challenges.containsKey(domain)) {
          return CHALLENGE_PREFIX + domain;
        }
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    if (alias != null && alias.startsWith(CHALLENGE_PREFIX)) {
      SvidKeyManager.KeyMaterial validation = challenges.get(alias.substring(CHALLENGE_PREFIX.length()));
      return validation == null ? null : validation.chain().toArray(X509Certificate[]::new);
    }
    SvidKeyManager keys = served;
    return keys == null ? null : keys.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    if (alias != null && alias.startsWith(CHALLENGE_PREFIX)) {
      SvidKeyManager.KeyMaterial validation = challenges.get(alias.substring(CHALLENGE_PREFIX.length()));
      return validation == null ? null : validation.privateKey();
    }
    SvidKeyManager keys = served;
    return keys == null ? null : keys.getPrivateKey(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    SvidKeyManager keys = served;
    return keys == null ? null : keys.getServerAliases(keyType, issuers);
  }

  /** A bundle endpoint never authenticates as a client. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }
}
