package dev.signet.attestors.node.x509pop;

import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.AgentHalves;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent half of {@code NodeAttestor "x509pop"}: sends {@code certificate_path} (leaf first, then
 * {@code intermediates_path}) and answers the server's nonce with a signature by {@code private_key_path}.
 * The files are read on every attestation, so a renewed node certificate is picked up on re-attestation.
 */
public final class X509PopAttestorClient implements NodeAttestorClient {
  /** The agent half as its catalog knows it; the agent may re-attest. */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> DESCRIPTOR =
      AgentHalves.builtIn(X509PopProtocol.NAME, (data, core) -> parse(data), false);
  private final Path certificatePath;
  private final Path privateKeyPath;
  private final Path intermediatesPath;

  public X509PopAttestorClient(Path certificatePath, Path privateKeyPath, Path intermediatesPath) {
    this.certificatePath = certificatePath;
    this.privateKeyPath = privateKeyPath;
    this.intermediatesPath = intermediatesPath;
  }

  /** From {@code plugin_data}: {@code certificate_path}, {@code private_key_path}, optional {@code intermediates_path}. */
  public static X509PopAttestorClient create(ConfigSection data) {
    return parse(data).get();
  }

  /**
   * Checks {@code plugin_data} ({@code certificate_path}, {@code private_key_path}, {@code intermediates_path});
   * the supplier makes the client, which reads the files at each attestation.
   */
  public static Supplier<X509PopAttestorClient> parse(ConfigSection data) {
    String certificate = data.getString("certificate_path", "");
    String key = data.getString("private_key_path", "");
    String intermediates = data.getString("intermediates_path", "");
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    if (certificate.isEmpty() || key.isEmpty()) {
      throw new ConfigException("certificate_path and private_key_path are required");
    }
    return () -> new X509PopAttestorClient(Path.of(certificate), Path.of(key),
        intermediates.isEmpty() ? null : Path.of(intermediates));
  }

  @Override
  public String name() {
    return X509PopProtocol.NAME;
  }

  @Override
  public byte[] payload() {
    List<byte[]> ders = new ArrayList<>();
    try {
      for (X509Certificate certificate : read(certificatePath)) {
        ders.add(certificate.getEncoded());
      }
      if (intermediatesPath != null) {
        for (X509Certificate certificate : read(intermediatesPath)) {
          ders.add(certificate.getEncoded());
        }
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("x509pop: certificate cannot be encoded", e);
    }
    return X509PopProtocol.encode(new X509PopProtocol.AttestationData(ders));
  }

  @Override
  public byte[] answer(byte[] challengeBytes) {
    X509PopProtocol.Challenge challenge = X509PopProtocol.decode(challengeBytes, X509PopProtocol.Challenge.class,
        "challenge");
    PrivateKey key = privateKey();
    byte[] nonce = new byte[X509PopProtocol.NONCE_LENGTH];
    new java.security.SecureRandom().nextBytes(nonce);
    try {
      if (key instanceof RSAPrivateCrtKey rsa) {
        if (challenge.rsaSignature() == null) {
          throw AttestationException.invalid("x509pop: expected an RSA challenge for an RSA key");
        }
        byte[] digest = X509PopProtocol.combinedNonces(challenge.rsaSignature().nonce(), nonce);
        return X509PopProtocol.encode(new X509PopProtocol.Response(
            new X509PopProtocol.RsaResponse(nonce, PopSignatures.signRsa(rsa, digest)), null));
      }
      if (challenge.ecdsaSignature() == null) {
        throw AttestationException.invalid("x509pop: expected an ECDSA challenge for an EC key");
      }
      byte[] digest = X509PopProtocol.combinedNonces(challenge.ecdsaSignature().nonce(), nonce);
      byte[][] rs = PopSignatures.signEcdsa(key, digest);
      return X509PopProtocol.encode(new X509PopProtocol.Response(null,
          new X509PopProtocol.EcdsaResponse(nonce, rs[0], rs[1])));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("x509pop: cannot sign the challenge: " + e.getMessage(), e);
    }
  }

  private PrivateKey privateKey() {
    try {
      return PemCodec.decodePrivateKey(Files.readString(privateKeyPath));
    } catch (IOException e) {
      throw new IllegalStateException("x509pop: cannot read private_key_path " + privateKeyPath, e);
    }
  }

  private static List<X509Certificate> read(Path path) {
    try {
      return PemCodec.decodeCertificates(Files.readString(path));
    } catch (IOException e) {
      throw new IllegalStateException("x509pop: cannot read " + path, e);
    }
  }
}
