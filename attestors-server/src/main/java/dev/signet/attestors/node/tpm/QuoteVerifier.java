package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestationException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import tss.tpm.TPMS_ATTEST;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_QUOTE_INFO;
import tss.tpm.TPMS_SIGNATURE_ECDSA;
import tss.tpm.TPMS_SIGNATURE_RSASSA;
import tss.tpm.TPMT_SIGNATURE;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_GENERATED;

/**
 * Checks a TPM2_Quote: the AK's signature over the exact {@code TPMS_ATTEST} bytes (ECDSA or RSASSA with
 * SHA-256), that they are a TPM-generated quote carrying the server's nonce as qualifyingData, selecting
 * exactly the requested sha256 PCRs, and that the reported PCR values hash to the quoted digest. Only then
 * are the reported values the TPM's.
 */
final class QuoteVerifier {
  private QuoteVerifier() {}

  /** @param pcrs the requested PCRs, ascending (the order the TPM concatenates them in) */
  static void verify(TpmPublicArea ak, byte[] nonce, List<Integer> pcrs, TpmProtocol.Quote quote) {
    if (quote == null || quote.attest() == null || quote.signature() == null || quote.pcrValues() == null) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": the response carries no quote");
    }
    if (!signatureValid(ak, quote.attest(), quote.signature())) {
      throw AttestationException.denied(TpmProtocol.NAME + ": the quote signature does not verify with the AK");
    }
    TPMS_ATTEST attest = parse(quote.attest());
    if (!TPM_GENERATED.VALUE.equals(attest.magic) || !(attest.attested instanceof TPMS_QUOTE_INFO info)) {
      throw AttestationException.denied(TpmProtocol.NAME + ": the signed structure is not a TPM-generated quote");
    }
    if (!MessageDigest.isEqual(attest.extraData, nonce)) {
      throw AttestationException.denied(TpmProtocol.NAME + ": the quote is not over this challenge's nonce");
    }
    TPMS_PCR_SELECTION expected = new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256,
        pcrs.stream().mapToInt(Integer::intValue).toArray());
    if (info.pcrSelect.length != 1 || !TPM_ALG_ID.SHA256.equals(info.pcrSelect[0].hash)
        || !Arrays.equals(trimmed(info.pcrSelect[0].pcrSelect), trimmed(expected.pcrSelect))) {
      throw AttestationException.denied(TpmProtocol.NAME + ": the quote does not cover the requested PCRs");
    }
    if (quote.pcrValues().size() != pcrs.size()) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": " + quote.pcrValues().size() + " PCR values sent for "
          + pcrs.size() + " PCRs requested");
    }
    ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
    for (byte[] value : quote.pcrValues()) {
      if (value == null || value.length != 32) {
        throw AttestationException.invalid(TpmProtocol.NAME + ": a sha256 PCR value must be 32 bytes");
      }
      concatenated.writeBytes(value);
    }
    if (!MessageDigest.isEqual(TpmPublicArea.sha256(concatenated.toByteArray()), info.pcrDigest)) {
      throw AttestationException.denied(TpmProtocol.NAME + ": the PCR values sent do not match the quoted digest");
    }
  }

  private static boolean signatureValid(TpmPublicArea ak, byte[] attest, byte[] signatureBytes) {
    TPMT_SIGNATURE signature;
    byte[] canonical;
    try {
      signature = TPMT_SIGNATURE.fromBytes(signatureBytes);
      canonical = signature.toBytes();
    } catch (RuntimeException e) { // TSS.Java's parsers throw assorted runtime exceptions on bad input
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed quote signature: " + e);
    }
    // TSS.Java leaves a field null when its length runs past the end (found by TpmFuzzTest): only a structure
    // that marshals back to exactly the bytes sent is read on.
    if (!Arrays.equals(canonical, signatureBytes)) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed quote signature: not a canonical"
          + " TPMT_SIGNATURE");
    }
    try {
      if (signature.signature instanceof TPMS_SIGNATURE_ECDSA ecdsa && TPM_ALG_ID.SHA256.equals(ecdsa.hash)
          && ak.key().getAlgorithm().equals("EC")) {
        ASN1EncodableVector rs = new ASN1EncodableVector();
        rs.add(new ASN1Integer(new BigInteger(1, ecdsa.signatureR)));
        rs.add(new ASN1Integer(new BigInteger(1, ecdsa.signatureS)));
        return verify("SHA256withECDSA", ak, attest, new DERSequence(rs).getEncoded());
      }
      if (signature.signature instanceof TPMS_SIGNATURE_RSASSA rsassa && TPM_ALG_ID.SHA256.equals(rsassa.hash)
          && ak.key().getAlgorithm().equals("RSA")) {
        return verify("SHA256withRSA", ak, attest, rsassa.sig);
      }
    } catch (java.io.IOException e) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed quote signature: " + e.getMessage());
    }
    throw AttestationException.denied(TpmProtocol.NAME + ": quote signature scheme " + signature.sigAlg()
        + " does not match the AK (ECDSA or RSASSA with SHA-256)");
  }

  private static boolean verify(String algorithm, TpmPublicArea ak, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(ak.key());
      verifier.update(data);
      return verifier.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("tpm: " + algorithm + " is not available: " + e.getMessage(), e);
    }
  }

  private static TPMS_ATTEST parse(byte[] bytes) {
    try {
      return TPMS_ATTEST.fromBytes(bytes);
    } catch (RuntimeException e) { // see signatureValid
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed quote: " + e);
    }
  }

  /** A PCR bitmap without trailing zero bytes (TPMs send 3 or more bytes). */
  private static byte[] trimmed(byte[] bitmap) {
    int length = bitmap.length;
    while (length > 0 && bitmap[length - 1] == 0) {
      length--;
    }
    return Arrays.copyOf(bitmap, length);
  }
}
