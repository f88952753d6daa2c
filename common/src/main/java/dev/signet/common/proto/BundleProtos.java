package dev.signet.common.proto;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import dev.signet.common.crypto.EncodedKeys;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.types.JWTKey;
import dev.signet.proto.spire.api.types.X509Certificate;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Converts trust bundles between the API's {@code spire.api.types.Bundle} and {@link Bundle}. */
public final class BundleProtos {
  private BundleProtos() {}

  public static dev.signet.proto.spire.api.types.Bundle toProto(Bundle bundle) {
    var builder = dev.signet.proto.spire.api.types.Bundle.newBuilder()
        .setTrustDomain(bundle.trustDomain().name())
        .setRefreshHint(bundle.refreshHint().toSeconds())
        .setSequenceNumber(bundle.sequenceNumber());
    for (X509Authority authority : bundle.x509Authorities()) {
      builder.addX509Authorities(X509Certificate.newBuilder()
          .setAsn1(ByteString.copyFrom(DerCodec.encoded(authority.certificate())))
          .setTainted(authority.tainted()));
    }
    for (JwtAuthority authority : bundle.jwtAuthorities()) {
      builder.addJwtAuthorities(JWTKey.newBuilder()
          .setKeyId(authority.keyId())
          .setPublicKey(ByteString.copyFrom(authority.publicKey().getEncoded()))
          .setExpiresAt(authority.expiresAt() == null ? 0 : authority.expiresAt().getEpochSecond())
          .setTainted(authority.tainted()));
    }
    return builder.build();
  }

  /** Parses an API bundle; any malformed part is a {@link ProtoConversionException} naming it. */
  public static Bundle fromProto(dev.signet.proto.spire.api.types.Bundle proto) {
    TrustDomain trustDomain = SpiffeIdProtos.trustDomain("bundle trust domain", proto.getTrustDomain());
    List<X509Authority> x509 = new ArrayList<>();
    for (X509Certificate certificate : proto.getX509AuthoritiesList()) {
      try {
        x509.add(new X509Authority(DerCodec.parseCertificate(certificate.getAsn1().toByteArray()),
            certificate.getTainted()));
      } catch (IllegalArgumentException e) {
        throw new ProtoConversionException("bundle \"" + trustDomain + "\": x509 authority is not a certificate: "
            + e.getMessage());
      }
    }
    List<JwtAuthority> jwt = new ArrayList<>();
    for (JWTKey key : proto.getJwtAuthoritiesList()) {
      if (key.getKeyId().isEmpty()) {
        throw new ProtoConversionException("bundle \"" + trustDomain + "\": jwt authority has no key id");
      }
      Instant expiresAt = key.getExpiresAt() == 0 ? null : Instant.ofEpochSecond(key.getExpiresAt());
      jwt.add(new JwtAuthority(key.getKeyId(), publicKey(trustDomain, key), expiresAt, key.getTainted()));
    }
    if (proto.getRefreshHint() < 0) {
      throw new ProtoConversionException("bundle \"" + trustDomain + "\": refresh hint " + proto.getRefreshHint()
          + " is negative");
    }
    try {
      return new Bundle(trustDomain, x509, jwt, proto.getSequenceNumber(), Duration.ofSeconds(proto.getRefreshHint()));
    } catch (IllegalArgumentException e) {
      throw new ProtoConversionException("bundle \"" + trustDomain + "\": " + e.getMessage());
    }
  }

  private static PublicKey publicKey(TrustDomain trustDomain, JWTKey key) {
    try {
      return EncodedKeys.publicKey(key.getPublicKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new ProtoConversionException("bundle \"" + trustDomain + "\": jwt authority \"" + key.getKeyId()
          + "\" public key is not a PKIX EC or RSA key");
    }
  }
}
