package dev.signet.attestors.node.tpm;

import java.util.HexFormat;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_NULL_KDF_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;

/** The key templates the agent half creates its keys from. */
final class TpmTemplates {
  /** TPM2_PolicySecret(TPM_RH_ENDORSEMENT): the authPolicy of the TCG default EK templates. */
  static final byte[] EK_POLICY =
      HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

  private TpmTemplates() {}

  /** The object attributes of the TCG default EK templates (a restricted decryption key bound to its TPM). */
  private static TPMA_OBJECT endorsementKeyAttributes() {
    return new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin,
        TPMA_OBJECT.adminWithPolicy, TPMA_OBJECT.restricted, TPMA_OBJECT.decrypt);
  }

  /**
   * The TCG EK Credential Profile's default RSA 2048 template (L-1), with the 256 zero bytes of unique: the
   * key a manufacturer's EK certificate in NV index 0x01c00002 certifies.
   */
  static TPMT_PUBLIC endorsementKey() {
    return new TPMT_PUBLIC(TPM_ALG_ID.SHA256, endorsementKeyAttributes(), EK_POLICY.clone(),
        new TPMS_RSA_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(),
            2048, 0),
        new TPM2B_PUBLIC_KEY_RSA(new byte[256]));
  }

  /**
   * The TCG EK Credential Profile's default ECC NIST P-256 template (L-2), with 32 zero bytes for each
   * coordinate of unique: the key a manufacturer's EK certificate in NV index 0x01c0000a certifies.
   */
  static TPMT_PUBLIC eccEndorsementKey() {
    return new TPMT_PUBLIC(TPM_ALG_ID.SHA256, endorsementKeyAttributes(), EK_POLICY.clone(),
        new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(),
            TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
        new TPMS_ECC_POINT(new byte[32], new byte[32]));
  }

  /** A storage root key (ECC P-256, the TCG's SRK template shape) in the owner hierarchy: the AK's parent. */
  static TPMT_PUBLIC storageRootKey() {
    return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
        new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin,
            TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA, TPMA_OBJECT.restricted, TPMA_OBJECT.decrypt),
        new byte[0],
        new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(),
            TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
        new TPMS_ECC_POINT(new byte[32], new byte[32]));
  }

  /**
   * The attestation key: a restricted ECDSA P-256 / SHA-256 signing key that never leaves this TPM
   * (fixedTPM, fixedParent, generated inside it). Restricted means it only signs TPM-generated structures
   * such as quotes, so its signature over a quote cannot be forged by asking it to sign arbitrary data.
   */
  static TPMT_PUBLIC attestationKey() {
    return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
        new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin,
            TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA, TPMA_OBJECT.restricted, TPMA_OBJECT.sign),
        new byte[0],
        new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL), new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256),
            TPM_ECC_CURVE.NIST_P256, new TPMS_NULL_KDF_SCHEME()),
        new TPMS_ECC_POINT(new byte[0], new byte[0]));
  }
}
