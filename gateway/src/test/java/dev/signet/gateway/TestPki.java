package dev.signet.gateway;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.common.workload.X509Context;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** A trust domain made in the test: its CA, SVIDs it signs, and client TLS contexts that present them. */
public final class TestPki {
  public static final Clock CLOCK = Clock.fixed(TestCertificate.NOW, ZoneOffset.UTC);

  public final TrustDomain trustDomain;
  public final TestCertificate.Issued ca;

  public TestPki(String trustDomain) {
    this.trustDomain = TrustDomain.parse(trustDomain);
    this.ca = TestCertificate.ca(trustDomain).issue();
  }

  public Bundle bundle() {
    return Bundle.ofX509(trustDomain, List.of(ca.certificate()));
  }

  public SvidKeyManager.KeyMaterial svid(String path) {
    return material(TestCertificate.leaf(trustDomain.id(path).toString(), ca).issue());
  }

  public static SvidKeyManager.KeyMaterial material(TestCertificate.Issued leaf) {
    return new SvidKeyManager.KeyMaterial(leaf.keyPair().getPrivate(), List.of(leaf.certificate()));
  }

  /** The gateway's context: an SVID for {@code path} and this domain's bundle plus {@code federated}. */
  public X509Context context(String path, Bundle... federated) {
    Map<TrustDomain, Bundle> bundles = new HashMap<>();
    bundles.put(trustDomain, bundle());
    for (Bundle b : federated) {
      bundles.put(b.trustDomain(), b);
    }
    return new X509Context(trustDomain.id(path), svid(path), bundles);
  }

  /** A TLS 1.3 client presenting {@code svid} and accepting only {@code server} under {@code serverBundle}. */
  public static SSLContext client(SvidKeyManager.KeyMaterial svid, SpiffeId server, Bundle serverBundle)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new KeyManager[] {new SvidKeyManager(svid)},
        new TrustManager[] {new SpiffeServerTrustManager(server, () -> Optional.of(serverBundle), false, CLOCK)}, null);
    return context;
  }
}
