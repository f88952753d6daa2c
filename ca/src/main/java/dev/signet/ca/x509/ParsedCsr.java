package dev.signet.ca.x509;

import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * What a verified CSR says. Only {@link #publicKey()} is trusted when minting: the registration entry (not
 * the CSR) decides the SPIFFE ID, DNS names and TTL, exactly as SPIRE does. The SANs are reported so the
 * server can refuse CSRs that ask for something else.
 *
 * @param requestsCa whether the CSR asks for basic constraints CA:true
 * @param uriSans the URI SANs the CSR asks for, in order
 * @param dnsSans the DNS SANs the CSR asks for, in order
 */
public record ParsedCsr(PublicKey publicKey, boolean requestsCa, List<String> uriSans, List<String> dnsSans) {
  public ParsedCsr {
    Objects.requireNonNull(publicKey, "csr public key is missing");
    uriSans = List.copyOf(uriSans);
    dnsSans = List.copyOf(dnsSans);
  }
}
