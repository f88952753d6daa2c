package dev.signet.server.ca;

import dev.signet.ca.x509.MintedX509Svid;
import dev.signet.common.proto.SvidProtos;
import dev.signet.proto.spire.api.types.X509SVID;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * An X509-SVID the server issued: the minted leaf, unparsed, and the CA certificates that follow it in the
 * chain (none when the CA is self-signed).
 */
public record IssuedX509Svid(MintedX509Svid leaf, List<X509Certificate> caChain) {
  public IssuedX509Svid {
    caChain = List.copyOf(caChain);
  }

  /** The API form, straight from the leaf's DER. */
  public X509SVID toProto() {
    return SvidProtos.toProto(leaf.id(), leaf.der(), leaf.notAfter(), caChain);
  }

  /** The whole chain, leaf first, with the leaf parsed (for callers that hold it as certificates). */
  public List<X509Certificate> chain() {
    List<X509Certificate> chain = new ArrayList<>(1 + caChain.size());
    chain.add(leaf.certificate());
    chain.addAll(caChain);
    return chain;
  }
}
