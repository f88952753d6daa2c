package dev.signet.common.proto;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.types.X509SVID;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Converts X509-SVIDs between the API's {@code spire.api.types.X509SVID} and certificate chains. */
public final class SvidProtos {
  private SvidProtos() {}

  /** The API form of an issued chain (leaf first). */
  public static X509SVID toProto(SpiffeId id, List<X509Certificate> chain) {
    X509Certificate leaf = chain.getFirst();
    return toProto(id, DerCodec.encoded(leaf), leaf.getNotAfter().toInstant(), chain.subList(1, chain.size()));
  }

  /** The API form of a leaf given as DER (expiring at {@code notAfter}) followed by {@code caChain}. */
  public static X509SVID toProto(SpiffeId id, byte[] leafDer, Instant notAfter, List<X509Certificate> caChain) {
    X509SVID.Builder builder = X509SVID.newBuilder()
        .setId(SpiffeIdProtos.toProto(id))
        .setExpiresAt(notAfter.getEpochSecond())
        .addCertChain(ByteString.copyFrom(leafDer));
    caChain.forEach(cert -> builder.addCertChain(ByteString.copyFrom(DerCodec.encoded(cert))));
    return builder.build();
  }

  /** The certificate chain of an API SVID, leaf first. */
  public static List<X509Certificate> chainOf(X509SVID svid) {
    if (svid.getCertChainCount() == 0) {
      throw new ProtoConversionException("x509-svid has an empty certificate chain");
    }
    List<X509Certificate> chain = new ArrayList<>(svid.getCertChainCount());
    for (ByteString der : svid.getCertChainList()) {
      try {
        chain.add(DerCodec.parseCertificate(der.toByteArray()));
      } catch (IllegalArgumentException e) {
        throw new ProtoConversionException("x509-svid chain holds a malformed certificate: " + e.getMessage());
      }
    }
    return chain;
  }
}
