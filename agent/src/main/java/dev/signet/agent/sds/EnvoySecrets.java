package dev.signet.agent.sds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.svid.X509Svid;
import dev.signet.proto.envoy.config.core.v3.DataSource;
import dev.signet.proto.envoy.config.core.v3.TypedExtensionConfig;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Envoy {@code Secret} resources, in the shapes SPIRE's agent serves: an X509-SVID as a
 * {@code tls_certificate} (PEM chain, leaf first, and PEM PKCS#8 key, inline), and a bundle as a
 * {@code validation_context}, either with Envoy's SPIFFE certificate validator
 * ({@code envoy.tls.cert_validator.spiffe}, one trust domain per bundle, so no trust domain's CA can vouch
 * for another's IDs) or, for Envoys that lack it or when disabled, as plain {@code trusted_ca}.
 *
 * <p>Security: a {@code tls_certificate} Secret carries the private key; it is only ever handed to gRPC,
 * never logged or printed ({@code Secret.toString()} would print it).
 */
public final class EnvoySecrets {
  /** The xDS type of every resource SDS serves. */
  public static final String SECRET_TYPE_URL = "type.googleapis.com/" + Secret.getDescriptor().getFullName();
  /** Envoy's SPIFFE certificate validator extension. */
  public static final String SPIFFE_VALIDATOR_NAME = "envoy.tls.cert_validator.spiffe";

  private EnvoySecrets() {}

  /** {@code svid} as a {@code tls_certificate} named {@code name}. */
  public static Secret tlsCertificate(String name, X509Svid svid) {
    return Secret.newBuilder()
        .setName(name)
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(inline(PemCodec.encodeCertificates(svid.chain())))
            .setPrivateKey(inline(PemCodec.encodePrivateKey(svid.privateKey()))))
        .build();
  }

  /** {@code bundle}'s X.509 authorities as {@code trusted_ca}, named {@code name}. */
  public static Secret trustedCa(String name, Bundle bundle) {
    return Secret.newBuilder()
        .setName(name)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(inline(PemCodec.encodeCertificates(bundle.x509Certificates()))))
        .build();
  }

  /**
   * A validation context named {@code name} using the SPIFFE certificate validator over {@code bundles},
   * one trust domain each, ordered by trust domain name.
   */
  public static Secret spiffeValidator(String name, List<Bundle> bundles) {
    SPIFFECertValidatorConfig.Builder config = SPIFFECertValidatorConfig.newBuilder();
    bundles.stream()
        .sorted(Comparator.comparing(b -> b.trustDomain().name()))
        .forEach(bundle -> config.addTrustDomains(SPIFFECertValidatorConfig.TrustDomain.newBuilder()
            .setName(bundle.trustDomain().name())
            .setTrustBundle(inline(PemCodec.encodeCertificates(bundle.x509Certificates())))));
    return Secret.newBuilder()
        .setName(name)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setCustomValidatorConfig(TypedExtensionConfig.newBuilder()
                .setName(SPIFFE_VALIDATOR_NAME)
                .setTypedConfig(Any.pack(config.build()))))
        .build();
  }

  private static DataSource inline(String pem) {
    return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)).build();
  }
}
