package dev.signet.attestors.node.tpm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import tss.tpm.TPMS_RSA_PARMS;

/**
 * TPM2_MakeCredential in software (TPM 2.0 Part 1 §24, "Credential Protection"), so the server needs no TPM:
 * a random seed is encrypted to the RSA EK with OAEP (SHA-256, label {@code "IDENTITY\0"}); from the seed,
 * KDFa derives an AES key (label {@code "STORAGE"}, context the AK's name) that encrypts the credential as a
 * TPM2B with CFB and a zero IV, and an HMAC key (label {@code "INTEGRITY"}) for the outer HMAC over
 * encIdentity ‖ AK name. Only the TPM holding the EK can recover the seed, and it releases the credential
 * only when the object named in the HMAC is loaded in it.
 */
final class CredentialMaker {
  private static final int DIGEST = 32;
  private static final byte[] IDENTITY_LABEL = "IDENTITY\0".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  CredentialMaker(SecureRandom random) {
    this.random = random;
  }

  /** Seals {@code credential} (at most 32 bytes) for the object named {@code akName} to the EK {@code ek}. */
  TpmProtocol.Credential make(TpmPublicArea ek, byte[] akName, byte[] credential) {
    if (credential.length > DIGEST) {
      throw new IllegalArgumentException("a credential is at most " + DIGEST + " bytes");
    }
    byte[] seed = new byte[DIGEST];
    random.nextBytes(seed);
    int symmetricBits = ((TPMS_RSA_PARMS) ek.area().parameters).symmetric.keyBits;
    try {
      Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
      oaep.init(Cipher.ENCRYPT_MODE, ek.key(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
          new PSource.PSpecified(IDENTITY_LABEL)), random);
      byte[] encryptedSeed = oaep.doFinal(seed);

      byte[] symmetricKey = kdfa(seed, "STORAGE", akName, symmetricBits);
      Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
      cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symmetricKey, "AES"), new IvParameterSpec(new byte[16]));
      byte[] sized = ByteBuffer.allocate(2 + credential.length).putShort((short) credential.length).put(credential)
          .array();
      byte[] encIdentity = cfb.doFinal(sized);

      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(kdfa(seed, "INTEGRITY", new byte[0], DIGEST * 8), "HmacSHA256"));
      hmac.update(encIdentity);
      hmac.update(akName);
      return new TpmProtocol.Credential(hmac.doFinal(), encIdentity, encryptedSeed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("tpm: cannot make the credential: " + e.getMessage(), e);
    }
  }

  /** KDFa with HMAC-SHA-256 (SP 800-108 counter mode; label NUL-terminated, contextV empty), {@code bits} % 8 == 0. */
  static byte[] kdfa(byte[] key, String label, byte[] contextU, int bits) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] out = new byte[bits / 8];
    byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
    for (int counter = 1, at = 0; at < out.length; counter++) {
      mac.update(ByteBuffer.allocate(4).putInt(counter).array());
      mac.update(labelBytes);
      mac.update(contextU);
      mac.update(ByteBuffer.allocate(4).putInt(bits).array());
      byte[] block = mac.doFinal();
      int n = Math.min(block.length, out.length - at);
      System.arraycopy(block, 0, out, at, n);
      at += n;
    }
    return out;
  }
}
