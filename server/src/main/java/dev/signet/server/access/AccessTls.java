package dev.signet.server.access;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/** The access API's HTTPS: TLS 1.3 only, presenting the server's (rotating) SVID, verifying client X509-SVIDs. */
public final class AccessTls {
  private AccessTls() {}

  public static SSLContext context(X509KeyManager serverSvid, X509TrustManager clientVerifier) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(new KeyManager[] {serverSvid}, new TrustManager[] {clientVerifier}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the access API's TLS context cannot be built", e);
    }
  }
}
