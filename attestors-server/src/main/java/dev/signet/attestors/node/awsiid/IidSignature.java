package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The RSA-2048 signature of an instance identity document: a base64 PKCS#7 (CMS) SignedData, as IMDS serves
 * it at {@code /latest/dynamic/instance-identity/rsa2048} (no PEM armor). AWS encapsulates the document in
 * it; a detached signature over the payload's document is accepted too.
 *
 * <p>Security decisions: the identity is read from the bytes that were signed (the encapsulated content), never
 * from the separately sent document, which must equal them; the SignedData must have exactly one signer,
 * identified as the configured AWS certificate for the document's region, whose key verifies the signature
 * (certificates embedded in the SignedData are ignored); the content type must be id-data.
 */
final class IidSignature {
  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private final CMSSignedData signedData;
  private final byte[] content;

  private IidSignature(CMSSignedData signedData, byte[] content) {
    this.signedData = signedData;
    this.content = content;
  }

  /**
   * Parses the signature and settles which bytes it covers.
   *
   * @param base64 the {@code rsa2048} field of the payload
   * @param document the {@code document} field of the payload
   * @throws AttestationException INVALID_ARGUMENT when it is not a base64 DER SignedData, PERMISSION_DENIED when
   *     its encapsulated document is not the one sent
   */
  static IidSignature parse(String base64, String document) {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to decode the rsa2048 signature: " + e.getMessage());
    }
    if (der.length == 0 || der[0] != 0x30) {
      throw AttestationException.invalid(AwsIid.NAME + ": the rsa2048 signature is not a DER PKCS#7 structure");
    }
    CMSSignedData signedData;
    try {
      signedData = new CMSSignedData(der);
    } catch (CMSException | RuntimeException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to parse the rsa2048 PKCS#7 signature: "
          + e.getMessage());
    }
    byte[] sent = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (signedData.getSignedContent() == null) {
      try {
        return new IidSignature(new CMSSignedData(new CMSProcessableByteArray(sent), der), sent);
      } catch (CMSException e) {
        throw AttestationException.invalid(AwsIid.NAME + ": failed to parse the rsa2048 PKCS#7 signature: "
            + e.getMessage());
      }
    }
    if (!PKCSObjectIdentifiers.data.getId().equals(signedData.getSignedContentTypeOID())
        || !(signedData.getSignedContent().getContent() instanceof byte[] encapsulated)) {
      throw AttestationException.invalid(AwsIid.NAME + ": the rsa2048 signature encapsulates content of type "
          + signedData.getSignedContentTypeOID() + ", not data");
    }
    String signed = new String(encapsulated, java.nio.charset.StandardCharsets.UTF_8);
    if (!signed.stripTrailing().equals(document.stripTrailing())) {
      throw AttestationException.denied(AwsIid.NAME + ": the instance identity document is not the one the rsa2048"
          + " signature covers");
    }
    return new IidSignature(signedData, encapsulated);
  }

  /** The exact bytes the signature covers: parse the identity from these only. */
  byte[] content() {
    return content.clone();
  }

  /**
   * Checks the one signature against {@code certificate}.
   *
   * @throws AttestationException PERMISSION_DENIED unless the content is signed by {@code certificate}'s key
   */
  void verify(X509Certificate certificate, String region) {
    if (!PKCSObjectIdentifiers.data.getId().equals(signedData.getSignedContentTypeOID())) {
      throw AttestationException.denied(AwsIid.NAME + ": the rsa2048 signature covers content of type "
          + signedData.getSignedContentTypeOID() + ", not data");
    }
    Collection<SignerInformation> signers;
    try {
      signers = signedData.getSignerInfos().getSigners();
    } catch (IllegalArgumentException e) { // the signer infos are decoded only now (found by AwsIidFuzzTest)
      throw AttestationException.invalid(AwsIid.NAME + ": the rsa2048 signature has a malformed signer info: "
          + e.getMessage());
    }
    if (signers.size() != 1) {
      throw AttestationException.denied(AwsIid.NAME + ": the rsa2048 signature has " + signers.size()
          + " signers; exactly one is expected");
    }
    SignerInformation signer = signers.iterator().next();
    try {
      if (!signer.getSID().match(new JcaX509CertificateHolder(certificate))) {
        throw AttestationException.denied(AwsIid.NAME + ": the rsa2048 signature's signer is not the AWS certificate"
            + " for region \"" + region + "\"");
      }
      boolean valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(PROVIDER).build(certificate));
      if (!valid) {
        throw AttestationException.denied(AwsIid.NAME + ": failed verification of the instance identity signature"
            + " with the AWS certificate for region \"" + region + "\"");
      }
    } catch (CMSException e) {
      throw AttestationException.denied(AwsIid.NAME + ": failed verification of the instance identity signature"
          + " with the AWS certificate for region \"" + region + "\": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // BouncyCastle's answer to a signer info naming a digest or signature algorithm it does not know (found by
      // AwsIidFuzzTest): the agent sent it, so it is a malformed payload, not our failure
      throw AttestationException.invalid(AwsIid.NAME + ": the rsa2048 signature names an unusable algorithm: "
          + e.getMessage());
    } catch (OperatorCreationException | CertificateEncodingException e) {
      throw new AttestationException(AttestationException.Kind.INTERNAL, AwsIid.NAME
          + ": cannot use the AWS certificate for region \"" + region + "\": " + e.getMessage(), e);
    }
  }
}
