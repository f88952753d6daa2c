package dev.signet.attestors.node.awsiid;

import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS's per-region certificates for the RSA-2048 PKCS#7 signature of instance identity documents. The
 * built-in set ({@code aws-rsa2048-certificates.pem} beside this class, the certificates AWS publishes, as
 * SPIRE ships them) can be extended or replaced region by region from configuration, for a region newer than
 * this build or for tests. A region with no certificate is refused: there is no "default" certificate.
 */
final class AwsCaCertificates {
  private static final String RESOURCE = "aws-rsa2048-certificates.pem";
  private static final String REGION_LINE = "region:";

  private final Map<String, X509Certificate> byRegion;

  private AwsCaCertificates(Map<String, X509Certificate> byRegion) {
    this.byRegion = Map.copyOf(byRegion);
  }

  /** The built-in certificates, with {@code overrides} (region → PEM file) taking precedence. */
  static AwsCaCertificates load(Map<String, String> overrides) {
    Map<String, X509Certificate> certificates = new LinkedHashMap<>(builtIn());
    overrides.forEach((region, path) -> certificates.put(region, readOverride(region, path)));
    return new AwsCaCertificates(certificates);
  }

  Optional<X509Certificate> forRegion(String region) {
    return Optional.ofNullable(byRegion.get(region));
  }

  Map<String, X509Certificate> all() {
    return byRegion;
  }

  static Map<String, X509Certificate> builtIn() {
    String text;
    try (InputStream in = AwsCaCertificates.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("aws_iid: resource " + RESOURCE + " is missing from the build");
      }
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("aws_iid: cannot read resource " + RESOURCE, e);
    }
    Map<String, X509Certificate> certificates = new LinkedHashMap<>();
    String region = null;
    StringBuilder pem = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith(REGION_LINE)) {
        region = line.substring(REGION_LINE.length()).trim();
      } else if (region != null && !line.startsWith("#")) {
        pem.append(line).append('\n');
        if (line.startsWith("-----END")) {
          certificates.put(region, PemCodec.decodeCertificates(pem.toString()).getFirst());
          region = null;
          pem.setLength(0);
        }
      }
    }
    return certificates;
  }

  private static X509Certificate readOverride(String region, String path) {
    List<X509Certificate> certificates;
    try {
      certificates = PemCodec.decodeCertificates(Files.readString(Path.of(path)));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("aws_ca_certificate_paths: cannot read the certificate for"
          + " region \"" + region + "\" from " + path + ": " + e.getMessage());
    }
    if (certificates.size() != 1) {
      throw new ConfigException("aws_ca_certificate_paths: " + path + " holds "
          + certificates.size() + " certificates; exactly one is expected for region \"" + region + "\"");
    }
    return certificates.getFirst();
  }
}
