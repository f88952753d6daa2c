package dev.signet.common.crypto;

import dev.signet.common.spiffe.SpiffeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds PKCS#10 CSRs as SPIFFE clients send them. The server takes only the public key from an SVID
 * CSR (the registration entry decides the identity), so the agent's CSRs carry the key alone; the
 * {@code x509 mint} command adds the requested ID and DNS names for readability.
 */
public final class Csrs {
  private Csrs() {}

  /** A CSR carrying only {@code keyPair}'s public key, signed by its private key. */
  public static byte[] forKey(KeyPair keyPair) {
    return create(keyPair, null, List.of());
  }

  /** A CSR with one URI SAN ({@code id}, when not null) and the given DNS SANs. */
  public static byte[] create(KeyPair keyPair, SpiffeId id, List<String> dnsNames) {
    try {
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Name("O=SPIRE"), keyPair.getPublic());
      if (id != null || !dnsNames.isEmpty()) {
        GeneralName[] names = new GeneralName[(id == null ? 0 : 1) + dnsNames.size()];
        int i = 0;
        if (id != null) {
          names[i++] = new GeneralName(GeneralName.uniformResourceIdentifier, id.toString());
        }
        for (String dns : dnsNames) {
          names[i++] = new GeneralName(GeneralName.dNSName, dns);
        }
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      String algorithm = keyPair.getPrivate() instanceof RSAKey ? "SHA256withRSA" : "SHA256withECDSA";
      return builder.build(new JcaContentSignerBuilder(algorithm).setProvider(CryptoProviders.signing())
          .build(keyPair.getPrivate())).getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode CSR", e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign CSR", e);
    }
  }
}
