package dev.signet.ca.upstream;

import dev.signet.common.config.ConfigSection;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.X509CaMinter;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.TrustDomain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code UpstreamAuthority "disk"}: signs the intermediate with a CA key read from {@code key_file_path},
 * whose certificate is the first one in {@code cert_file_path} (any further certificates there are its
 * chain). Roots come from {@code bundle_file_path}; without one, the upstream certificate must be self-signed
 * and is its own root. Files are read once, at construction; the key is checked to match the certificate.
 */
public final class DiskUpstreamAuthority implements UpstreamAuthority {
  /** The SPIRE plugin name. */
  public static final String NAME = "disk";
  /**
   * The built-in as its catalog knows it: {@code plugin_data { cert_file_path, key_file_path, bundle_file_path }};
   * the files are read by create.
   */
  public static final PluginDescriptor<?, Void, UpstreamAuthority> DESCRIPTOR =
      new BuiltIn<Config, Void, UpstreamAuthority>(NAME, (data, core) -> Config.parse(data),
          (config, none) -> new DiskUpstreamAuthority(config.certFile(), config.keyFile(), config.bundleFile()));

  /**
   * The checked {@code plugin_data}.
   *
   * @param certFile {@code cert_file_path}
   * @param keyFile {@code key_file_path}
   * @param bundleFile {@code bundle_file_path}; {@code null} when the upstream certificate is a root
   */
  public record Config(Path certFile, Path keyFile, Path bundleFile) {
    static Config parse(ConfigSection data) {
      Config config = new Config(Path.of(data.requireString("cert_file_path")),
          Path.of(data.requireString("key_file_path")), data.getString("bundle_file_path").map(Path::of).orElse(null));
      PluginData.requireNoUnknownKeys(data);
      return config;
    }
  }
  private final X509Certificate upstreamCertificate;
  private final PrivateKey upstreamKey;
  private final List<X509Certificate> upstreamChain;
  private final List<X509Certificate> roots;

  /**
   * @param bundleFile {@code bundle_file_path}; {@code null} when the upstream certificate is a root
   */
  public DiskUpstreamAuthority(Path certFile, Path keyFile, Path bundleFile) {
    List<X509Certificate> certificates = PemCodec.decodeCertificates(read(certFile, "cert_file_path"));
    this.upstreamCertificate = certificates.getFirst();
    this.upstreamKey = PemCodec.decodePrivateKey(read(keyFile, "key_file_path"));
    CredentialValidator.validateKeyPair(upstreamCertificate.getPublicKey(), upstreamKey);
    if (upstreamCertificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("disk: the certificate in " + certFile + " is not a CA");
    }
    this.roots = bundleFile == null ? List.of(selfSignedRoot(upstreamCertificate, certFile))
        : PemCodec.decodeCertificates(read(bundleFile, "bundle_file_path"));
    List<X509Certificate> chain = new ArrayList<>();
    certificates.stream().filter(c -> !roots.contains(c)).forEach(chain::add);
    this.upstreamChain = List.copyOf(chain);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public UpstreamSigned mintX509Ca(KeyPair keyPair, TrustDomain trustDomain, String subject, Duration preferredTtl,
      Instant now) {
    X509Certificate ca = X509CaMinter.signedBy(keyPair.getPublic(), trustDomain, subject, preferredTtl, now, upstreamCertificate,
        upstreamKey);
    return new UpstreamSigned(ca, upstreamChain, roots);
  }

  /** The upstream roots. */
  public List<X509Certificate> roots() {
    return roots;
  }

  private static X509Certificate selfSignedRoot(X509Certificate certificate, Path certFile) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      throw new IllegalArgumentException("disk: bundle_file_path is required when the certificate in " + certFile
          + " is not self-signed");
    }
    return certificate;
  }

  private static String read(Path file, String setting) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("disk: cannot read " + setting + " " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "DiskUpstreamAuthority[subject=" + upstreamCertificate.getSubjectX500Principal().getName() + "]";
  }
}
