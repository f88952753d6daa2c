package dev.signet.attestors.node.x509pop;

import dev.signet.attestors.node.AgentPathTemplate;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The server half of {@code NodeAttestor "x509pop"}. With {@code mode = "external_pki"} (default) the agent's
 * certificate must chain to {@code ca_bundle_path(s)} through the intermediates it sent; with
 * {@code mode = "spiffe"} it must be an X509-SVID of this trust domain under {@code svid_prefix}. It must allow
 * digital signatures,
 * carry a strong key (RSA ≥ 2048 bits, or P-256/P-384/P-521), and the agent must sign a fresh nonce with its
 * private key. Agent ID: {@code /spire/agent/} + {@code agent_path_template} (default
 * {@code {{ .PluginName }}/{{ .Fingerprint }}}). Selectors as SPIRE's: {@code subject:cn},
 * {@code ca:fingerprint} (each chain certificate but the leaf), {@code serialnumber}, {@code san:<k>:<v>}
 * (from {@code x509pop://<trust domain>/<k>:<v>} URI SANs). Agents may re-attest.
 */
public final class X509PopNodeAttestor implements NodeAttestor {
  public static final String NAME = X509PopProtocol.NAME;
  static final String DEFAULT_TEMPLATE = "{{ .PluginName }}/{{ .Fingerprint }}";
  static final String SPIFFE_TEMPLATE = "{{ .PluginName }}/{{ .SVIDPathTrimmed }}";
  static final Set<String> TEMPLATE_FIELDS = Set.of("PluginName", "Fingerprint", "TrustDomain",
      "Subject.CommonName", "SerialNumberHex");
  static final Set<String> SPIFFE_TEMPLATE_FIELDS = Set.of("PluginName", "Fingerprint", "TrustDomain",
      "Subject.CommonName", "SerialNumberHex", "SVIDPathTrimmed");
  private static final int MAX_CHAIN = 16;
  private static final int DIGITAL_SIGNATURE = 0;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How a node certificate is trusted, and what it contributes to the agent ID. */
  private interface ChainVerifier {
    /** The verified chain (leaf first, with its trust anchor when known) and the template values it adds. */
    Verified verify(TrustDomain trustDomain, List<X509Certificate> chain);
  }

  private record Verified(List<X509Certificate> chain, Map<String, String> templateValues) {}

  private final ChainVerifier verifier;
  private final AgentPathTemplate template;
  private final Clock clock;

  private X509PopNodeAttestor(ChainVerifier verifier, AgentPathTemplate template, Clock clock) {
    this.verifier = verifier;
    this.template = template;
    this.clock = clock;
  }

  /** {@code mode = "external_pki"}: chains to {@code roots}. */
  static X509PopNodeAttestor externalPki(List<X509Certificate> roots, AgentPathTemplate template, Clock clock) {
    if (roots.isEmpty()) {
      throw new ConfigException("the CA bundle holds no certificates");
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    roots.forEach(root -> anchors.add(new TrustAnchor(root, null)));
    Set<TrustAnchor> trusted = Set.copyOf(anchors);
    return new X509PopNodeAttestor((td, chain) -> new Verified(verifyPkix(trusted, chain, clock), Map.of()),
        template, clock);
  }

  /**
   * {@code mode = "spiffe"}: the node presents an X509-SVID of this trust domain (for example one minted
   * with {@code signet-server x509 mint}) whose path starts with {@code svidPrefix}; it is verified against
   * the server's own bundle, read at each attestation so CA rotation is followed.
   */
  static X509PopNodeAttestor spiffe(BundleSource ownBundle, String svidPrefix, AgentPathTemplate template, Clock clock) {
    return new X509PopNodeAttestor((td, chain) -> {
      SpiffeId id;
      try {
        id = X509SvidValidator.verify(chain, ownBundle, clock.instant());
      } catch (SvidValidationException e) {
        throw AttestationException.denied(NAME + ": certificate chain does not verify as an X509-SVID of \"" + td
            + "\": " + e.getMessage());
      }
      if (!id.memberOf(td)) {
        throw AttestationException.denied(NAME + ": \"" + id + "\" is not in trust domain \"" + td + "\"");
      }
      if (!id.path().startsWith(svidPrefix + (svidPrefix.isEmpty() ? "" : "/"))) {
        throw AttestationException.denied(NAME + ": \"" + id + "\" does not start with the svid_prefix \"" + svidPrefix
            + "\"");
      }
      String trimmed = id.path().substring(svidPrefix.length() + 1);
      return new Verified(chain, Map.of("SVIDPathTrimmed", trimmed));
    }, template, clock);
  }

  /** The server half as its catalog knows it; see {@link X509PopServerConfig}. */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<X509PopServerConfig, NodeAttestorDependencies, NodeAttestor>(NAME,
          (data, core) -> X509PopServerConfig.parse(data),
          (config, deps) -> create(config, deps.ownBundle(), deps.clock()))
          .checkingHost(X509PopNodeAttestor::caBundle);

  /** From {@code plugin_data} (see {@link X509PopServerConfig}); {@code ownBundle} serves {@code mode = "spiffe"}. */
  public static X509PopNodeAttestor create(ConfigSection data, BundleSource ownBundle, Clock clock) {
    return create(X509PopServerConfig.parse(data), ownBundle, clock);
  }

  static X509PopNodeAttestor create(X509PopServerConfig config, BundleSource ownBundle, Clock clock) {
    if (config.spiffeMode()) {
      return spiffe(ownBundle, config.svidPrefix(), config.template(), clock);
    }
    return externalPki(caBundle(config), config.template(), clock);
  }

  /** The {@code ca_bundle_path} certificates of {@code external_pki} mode (none in {@code spiffe} mode). */
  private static List<X509Certificate> caBundle(X509PopServerConfig config) {
    List<X509Certificate> roots = new ArrayList<>();
    for (String path : config.caBundlePaths()) {
      try {
        roots.addAll(PemCodec.decodeCertificates(Files.readString(Path.of(path))));
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("cannot read CA bundle " + path + ": " + e.getMessage());
      }
    }
    return roots;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    List<X509Certificate> chain = certificates(X509PopProtocol.decode(payload, X509PopProtocol.AttestationData.class,
        "attestation data").certificates());
    X509Certificate leaf = chain.getFirst();
    checkKey(leaf);
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || !usage[DIGITAL_SIGNATURE]) {
      throw AttestationException.denied(NAME + ": certificate is not intended for digital signatures");
    }
    Verified verified = verifier.verify(trustDomain, chain);
    proveSignature(leaf, challenger);
    return new AttestResult(agentId(trustDomain, leaf, verified.templateValues()),
        selectors(trustDomain, leaf, verified.chain()), true);
  }

  private static List<X509Certificate> certificates(List<byte[]> ders) {
    if (ders == null || ders.isEmpty()) {
      throw AttestationException.invalid(NAME + ": no certificate in the attestation data");
    }
    if (ders.size() > MAX_CHAIN) {
      throw AttestationException.invalid(NAME + ": " + ders.size() + " certificates sent; at most " + MAX_CHAIN);
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders) {
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw AttestationException.invalid(NAME + ": malformed certificate: " + e.getMessage());
    }
    return chain;
  }

  private static void checkKey(X509Certificate leaf) {
    if (leaf.getPublicKey() instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw AttestationException.denied(NAME + ": RSA key of " + rsa.getModulus().bitLength()
            + " bits; at least 2048 are required");
      }
    } else if (leaf.getPublicKey() instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits != 256 && bits != 384 && bits != 521) {
        throw AttestationException.denied(NAME + ": EC key on a " + bits + "-bit curve; P-256, P-384 or P-521 required");
      }
    } else {
      throw AttestationException.denied(NAME + ": unsupported key type " + leaf.getPublicKey().getAlgorithm());
    }
  }

  /** The validated path (leaf first) plus its trust anchor. */
  private static List<X509Certificate> verifyPkix(Set<TrustAnchor> roots, List<X509Certificate> chain, Clock clock) {
    try {
      PKIXParameters params = new PKIXParameters(roots);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      var path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
      PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
          .validate(path, params);
      List<X509Certificate> verified = new ArrayList<>(chain);
      X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
      if (!verified.getLast().equals(anchor)) {
        verified.add(anchor);
      }
      return verified;
    } catch (CertPathValidatorException e) {
      throw AttestationException.denied(NAME + ": certificate chain does not verify against the CA bundle: "
          + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw AttestationException.invalid(NAME + ": certificate chain cannot be checked: " + e.getMessage());
    }
  }

  private static void proveSignature(X509Certificate leaf, Challenger challenger) {
    byte[] nonce = new byte[X509PopProtocol.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    boolean rsa = leaf.getPublicKey() instanceof RSAPublicKey;
    X509PopProtocol.NonceChallenge inner = new X509PopProtocol.NonceChallenge(nonce);
    X509PopProtocol.Challenge challenge = rsa ? new X509PopProtocol.Challenge(inner, null)
        : new X509PopProtocol.Challenge(null, inner);
    X509PopProtocol.Response response = X509PopProtocol.decode(challenger.challenge(X509PopProtocol.encode(challenge)),
        X509PopProtocol.Response.class, "challenge response");
    boolean valid;
    try {
      if (rsa) {
        if (response.rsaSignature() == null) {
          throw AttestationException.invalid(NAME + ": expected an rsa_signature response");
        }
        byte[] digest = X509PopProtocol.combinedNonces(nonce, response.rsaSignature().nonce());
        valid = response.rsaSignature().signature() != null
            && PopSignatures.verifyRsa((RSAPublicKey) leaf.getPublicKey(), digest, response.rsaSignature().signature());
      } else {
        if (response.ecdsaSignature() == null) {
          throw AttestationException.invalid(NAME + ": expected an ecdsa_signature response");
        }
        byte[] digest = X509PopProtocol.combinedNonces(nonce, response.ecdsaSignature().nonce());
        valid = PopSignatures.verifyEcdsa((ECPublicKey) leaf.getPublicKey(), digest, response.ecdsaSignature().r(),
            response.ecdsaSignature().s());
      }
    } catch (GeneralSecurityException e) {
      throw AttestationException.invalid(NAME + ": challenge response cannot be checked: " + e.getMessage());
    }
    if (!valid) {
      throw AttestationException.denied(NAME + ": challenge response signature does not verify with the certificate's key");
    }
  }

  private SpiffeId agentId(TrustDomain trustDomain, X509Certificate leaf, Map<String, String> extra) {
    Map<String, String> values = new LinkedHashMap<>(extra);
    values.put("PluginName", NAME);
    values.put("Fingerprint", fingerprint(leaf));
    values.put("TrustDomain", trustDomain.name());
    values.put("Subject.CommonName", commonName(leaf));
    values.put("SerialNumberHex", leaf.getSerialNumber().toString(16));
    String path = "/spire/agent" + template.render(values);
    try {
      return trustDomain.id(path);
    } catch (IllegalArgumentException e) {
      throw AttestationException.denied(NAME + ": agent_path_template gives \"" + path + "\", not a valid agent ID: "
          + e.getMessage());
    }
  }

  private static List<Selector> selectors(TrustDomain trustDomain, X509Certificate leaf, List<X509Certificate> chain) {
    List<Selector> selectors = new ArrayList<>();
    String cn = commonName(leaf);
    if (!cn.isEmpty()) {
      selectors.add(new Selector(NAME, "subject:cn:" + cn));
    }
    for (X509Certificate ca : chain.subList(1, chain.size())) {
      selectors.add(new Selector(NAME, "ca:fingerprint:" + fingerprint(ca)));
    }
    selectors.add(new Selector(NAME, "serialnumber:" + leaf.getSerialNumber().toString(16)));
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            URI uri = URI.create((String) san.get(1));
            if (NAME.equals(uri.getScheme()) && trustDomain.name().equals(uri.getHost()) && uri.getPath().length() > 1) {
              selectors.add(new Selector(NAME, "san:" + uri.getPath().substring(1)));
            }
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException | IllegalArgumentException e) {
      throw AttestationException.invalid(NAME + ": unreadable subject alternative names: " + e.getMessage());
    }
    return selectors;
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return X509PopProtocol.fingerprint(certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw AttestationException.invalid(NAME + ": certificate cannot be encoded: " + e.getMessage());
    }
  }

  private static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return "";
    }
    return "";
  }
}
