package dev.signet.server.cli.bundle;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.proto.BundleProtos;
import dev.signet.server.api.InputValidation;

/** {@code -format pem|spiffe} for bundle commands: PEM certificates, or a SPIFFE trust bundle (JWKS). */
public enum BundleFormat {
  PEM,
  SPIFFE;

  public static BundleFormat parse(String value) {
    return switch (value) {
      case "pem" -> PEM;
      case "spiffe" -> SPIFFE;
      default -> throw new IllegalArgumentException("invalid format: \"" + value + "\" (expected pem or spiffe)");
    };
  }

  public String render(dev.signet.proto.spire.api.types.Bundle proto) {
    Bundle bundle = InputValidation.bundle(proto);
    return this == PEM ? PemCodec.encodeCertificates(bundle.x509Certificates()) : JwksCodec.encodeIndented(bundle) + "\n";
  }

  public dev.signet.proto.spire.api.types.Bundle parse(TrustDomain trustDomain, String text) {
    Bundle bundle = this == PEM ? Bundle.ofX509(trustDomain, PemCodec.decodeCertificates(text))
        : JwksCodec.decode(trustDomain, text);
    return BundleProtos.toProto(bundle);
  }
}
