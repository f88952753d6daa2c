package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.X509SvidValidator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The SPIFFE ID of the peer of a TLS connection, read from its leaf certificate after the handshake (which
 * has verified the whole chain), and kept on the channel.
 */
final class PeerIdentity {
  static final AttributeKey<SpiffeId> KEY = AttributeKey.valueOf("signet.gateway.peer");

  private PeerIdentity() {}

  static SpiffeId read(SslHandler ssl) throws SSLPeerUnverifiedException {
    Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new SSLPeerUnverifiedException("peer presented no x509 certificate");
    }
    return X509SvidValidator.spiffeIdOf(leaf);
  }

  static SpiffeId of(Channel channel) {
    SpiffeId id = channel.attr(KEY).get();
    if (id == null) {
      throw new IllegalStateException("no authenticated peer on " + channel);
    }
    return id;
  }
}
