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
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import javax.crypto.KeyAgreement;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPM_ALG_ID;

/**
 * TPM2_MakeCredential in software (TPM 2.0 Part 1 §24, "Credential Protection"), so the server needs no TPM.
 * The seed is shared with the EK's TPM alone: for an RSA EK, a random seed encrypted with OAEP (SHA-256,
 * label {@code "IDENTITY\0"}); for an ECC EK, one-pass Diffie-Hellman (Part 1 §11.4.10.3, C.6.4): an
 * ephemeral key on the EK's curve, Z = x(ephemeral·EK), seed = KDFe(SHA-256, Z, "IDENTITY", x(ephemeral),
 * x(EK)), and the ephemeral public point is the encrypted secret. From the seed,
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
    if (!TPM_ALG_ID.SHA256.equals(ek.area().nameAlg)) { // every digest below is SHA-256, the seed its size
      throw new IllegalArgumentException("tpm: MakeCredential needs an EK whose name algorithm is SHA-256");
    }
    int symmetricBits = TpmPublicArea.symmetricKeyBits(ek.area());
    try {
      byte[] seed;
      byte[] encryptedSeed;
      if (ek.area().parameters instanceof TPMS_ECC_PARMS) {
        EccSeed shared = eccSeed(ek);
        seed = shared.seed();
        encryptedSeed = shared.ephemeralPoint();
      } else {
        seed = new byte[DIGEST];
        random.nextBytes(seed);
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, ek.key(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
            new PSource.PSpecified(IDENTITY_LABEL)), random);
        encryptedSeed = oaep.doFinal(seed);
      }

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

  /** The seed and the marshaled TPMS_ECC_POINT of the ephemeral key that lets the EK's TPM derive it. */
  private record EccSeed(byte[] seed, byte[] ephemeralPoint) {}

  private EccSeed eccSeed(TpmPublicArea ek) throws GeneralSecurityException {
    ECPublicKey ekKey = (ECPublicKey) ek.key();
    int size = (ekKey.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(ekKey.getParams(), random);
    KeyPair ephemeral = generator.generateKeyPair();
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(ephemeral.getPrivate());
    agreement.doPhase(ekKey, true);
    byte[] z = fixed(agreement.generateSecret(), size);
    ECPoint point = ((ECPublicKey) ephemeral.getPublic()).getW();
    byte[] x = fixed(point.getAffineX().toByteArray(), size);
    byte[] y = fixed(point.getAffineY().toByteArray(), size);
    byte[] ekX = ((TPMS_ECC_POINT) ek.area().unique).x; // PartyVInfo: the x the TPM hashes, as in its public area
    byte[] seed = kdfe(z, "IDENTITY", x, ekX, DIGEST * 8);
    byte[] marshaled = ByteBuffer.allocate(4 + 2 * size).putShort((short) size).put(x).putShort((short) size).put(y)
        .array();
    return new EccSeed(seed, marshaled);
  }

  /** An unsigned big-endian integer as exactly {@code size} bytes (sign byte dropped, left-padded). */
  private static byte[] fixed(byte[] value, int size) {
    byte[] out = new byte[size];
    int copy = Math.min(value.length, size);
    System.arraycopy(value, value.length - copy, out, size - copy, copy);
    return out;
  }

  /**
   * KDFe with SHA-256 (TPM 2.0 Part 1 §11.4.10.3, SP 800-56A concatenation): Hash(counter ‖ Z ‖ label ‖ 0 ‖
   * partyUInfo ‖ partyVInfo) for counter = 1, 2, …, truncated to {@code bits} (a multiple of 8).
   */
  static byte[] kdfe(byte[] z, String label, byte[] partyUInfo, byte[] partyVInfo, int bits)
      throws GeneralSecurityException {
    byte[] out = new byte[bits / 8];
    byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
    for (int counter = 1, at = 0; at < out.length; counter++) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(ByteBuffer.allocate(4).putInt(counter).array());
      sha256.update(z);
      sha256.update(labelBytes);
      sha256.update(partyUInfo);
      sha256.update(partyVInfo);
      byte[] block = sha256.digest();
      int n = Math.min(block.length, out.length - at);
      System.arraycopy(block, 0, out, at, n);
      at += n;
    }
    return out;
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
