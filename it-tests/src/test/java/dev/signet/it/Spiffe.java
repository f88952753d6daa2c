package dev.signet.it;

import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.exception.X509SourceException;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultX509Source;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** java-spiffe helpers: sources bound to one SPIFFE ID, SPIFFE IDs of certificates. */
public final class Spiffe {
  private Spiffe() {}

  /**
   * A {@link DefaultX509Source} on {@code address} that serves the SVID with {@code spiffeId} (the same uid
   * may be entitled to several).
   */
  public static DefaultX509Source x509Source(String address, String spiffeId) {
    try {
      return DefaultX509Source.newSource(DefaultX509Source.X509SourceOptions.builder()
          .spiffeSocketPath(address)
          .initTimeout(Duration.ofSeconds(30))
          .svidPicker(svids -> pick(svids, spiffeId))
          .build());
    } catch (SocketEndpointAddressException | X509SourceException e) {
      throw new AssertionError("cannot open an X509Source on " + address + " for " + spiffeId, e);
    }
  }

  private static X509Svid pick(List<X509Svid> svids, String spiffeId) {
    return svids.stream().filter(s -> s.getSpiffeId().toString().equals(spiffeId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no SVID for " + spiffeId + " among "
            + svids.stream().map(s -> s.getSpiffeId().toString()).toList()));
  }

  /**
   * The SVID with {@code spiffeId} from one {@code FetchX509SVID} on a new connection to {@code address} (a
   * workload starting now, not one holding a stream).
   */
  public static X509Svid fetchOnce(String address, String spiffeId) {
    try (io.spiffe.workloadapi.WorkloadApiClient client = io.spiffe.workloadapi.DefaultWorkloadApiClient.newClient(
        io.spiffe.workloadapi.DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(address).build())) {
      return pick(client.fetchX509Context().getX509Svids(), spiffeId);
    } catch (SocketEndpointAddressException | io.spiffe.exception.X509ContextException | java.io.IOException e) {
      throw new AssertionError("cannot fetch an X509-SVID from " + address, e);
    }
  }

  /** The URI SAN (SPIFFE ID) of a certificate. */
  public static String spiffeIdOf(X509Certificate certificate) {
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            return (String) san.get(1);
          }
        }
      }
      throw new AssertionError("no URI SAN in " + certificate.getSubjectX500Principal());
    } catch (CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }
}
