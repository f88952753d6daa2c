package dev.signet.attestors.node.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tss.tpm.TPMS_SIGNATURE_ECDSA;
import tss.tpm.TPMT_SIGNATURE;
import tss.tpm.TPM_ALG_ID;

/**
 * The quote checks on malformed input, without a TPM (the TPM-backed cases are in {@link TpmAttestationAttackTest}):
 * the AK is the ECC P-256 public area under {@code fuzz/ak.tpmt}.
 */
class QuoteVerifierTest {
  private static final byte[] NONCE = new byte[32];

  private static TpmPublicArea ak() throws IOException {
    try (InputStream in = QuoteVerifierTest.class.getResourceAsStream("fuzz/ak.tpmt")) {
      return TpmPublicArea.parse(in.readAllBytes(), "AK");
    }
  }

  private static byte[] ecdsaSignature() {
    return new TPMT_SIGNATURE(new TPMS_SIGNATURE_ECDSA(TPM_ALG_ID.SHA256, new byte[32], new byte[32])).toBytes();
  }

  /** Found by TpmFuzzTest: TSS.Java left {@code signatureS} null and BigInteger threw NullPointerException. */
  @Test
  void anEcdsaSignatureWhoseSLengthRunsPastTheEndIsInvalidArgument() throws IOException {
    byte[] truncated = ecdsaSignature();
    // sigAlg (2), hash (2), size and r (2 + 32), then the size of s: claim 52 bytes where 32 follow
    ByteBuffer.wrap(truncated).putShort(2 + 2 + 2 + 32, (short) 52);
    TpmProtocol.Quote quote = new TpmProtocol.Quote(new byte[16], truncated, List.of(new byte[32]));
    TpmPublicArea ak = ak();

    assertThatThrownBy(() -> QuoteVerifier.verify(ak, NONCE, List.of(0), quote))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT))
        .hasMessageContaining("not a canonical TPMT_SIGNATURE");
  }

  @Test
  void aSignatureWithTrailingBytesIsInvalidArgument() throws IOException {
    byte[] signature = ecdsaSignature();
    byte[] longer = java.util.Arrays.copyOf(signature, signature.length + 1);
    TpmProtocol.Quote quote = new TpmProtocol.Quote(new byte[16], longer, List.of(new byte[32]));
    TpmPublicArea ak = ak();

    assertThatThrownBy(() -> QuoteVerifier.verify(ak, NONCE, List.of(0), quote))
        .isInstanceOf(AttestationException.class).hasMessageContaining("not a canonical TPMT_SIGNATURE");
  }

  @Test
  void aWellFormedSignatureByAnotherKeyIsDenied() throws IOException {
    TpmProtocol.Quote quote = new TpmProtocol.Quote(new byte[16], ecdsaSignature(), List.of(new byte[32]));
    TpmPublicArea ak = ak();

    assertThatThrownBy(() -> QuoteVerifier.verify(ak, NONCE, List.of(0), quote))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED))
        .hasMessageContaining("does not verify");
  }
}
