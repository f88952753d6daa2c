package dev.signet.gateway.proxy;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;

/** Names why a TLS handshake failed, for the {@code reason} tag of the handshake failure meter. */
final class HandshakeFailures {
  private HandshakeFailures() {}

  static String reason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof NotSslRecordException) {
        return "not_tls";
      }
      if (t instanceof SslHandshakeTimeoutException) {
        return "timeout";
      }
      if (t instanceof CertificateException) {
        return t.getMessage() != null && t.getMessage().contains("expired") ? "certificate_expired" : "bad_certificate";
      }
      if (t instanceof ClosedChannelException) {
        return "closed";
      }
    }
    if (cause instanceof SSLHandshakeException e && e.getMessage() != null
        && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("certificate")) {
      return "bad_certificate";
    }
    return cause instanceof SSLHandshakeException ? "protocol" : "other";
  }
}
