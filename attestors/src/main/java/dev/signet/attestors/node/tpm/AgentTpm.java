package dev.signet.attestors.node.tpm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tss.Tpm;
import tss.TpmException;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.CreateResponse;
import tss.tpm.NV_ReadPublicResponse;
import tss.tpm.PCR_ReadResponse;
import tss.tpm.QuoteResponse;
import tss.tpm.StartAuthSessionResponse;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPMS_ID_OBJECT;
import tss.tpm.TPMS_NULL_SIG_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SIGNATURE;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SE;

/**
 * One connection to the agent's TPM and the commands the {@code tpm} attestor needs. Every TPM failure is
 * an {@link IllegalStateException} naming the step and the TPM; transient objects are flushed by
 * {@link #close()} so that a TPM without a resource manager (a simulator) does not fill up.
 */
final class AgentTpm implements AutoCloseable {
  /** Which of the TCG's default EKs the agent attests with. */
  enum EkAlgorithm {
    /** RSA 2048 (template L-1), its certificate in NV index 0x01c00002. */
    RSA(0x01c00002),
    /** ECC NIST P-256 (template L-2), its certificate in NV index 0x01c0000a. */
    ECC(0x01c0000a);

    /** The certificate's NV index (TCG EK Credential Profile); not TPM_HANDLE.NV, which adds 0x01000000. */
    final int certificateIndex;

    EkAlgorithm(int certificateIndex) {
      this.certificateIndex = certificateIndex;
    }

    TPMT_PUBLIC template() {
      return this == RSA ? TpmTemplates.endorsementKey() : TpmTemplates.eccEndorsementKey();
    }
  }

  /** What TPM2_NV_Read returns at most per call on PC-client TPMs (MAX_NV_BUFFER_SIZE). */
  private static final int NV_CHUNK = 512;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Tpm tpm;
  private final TpmAddress address;
  private final List<TPM_HANDLE> loaded = new ArrayList<>();

  private AgentTpm(Tpm tpm, TpmAddress address) {
    this.tpm = tpm;
    this.address = address;
  }

  static AgentTpm open(TpmAddress address) {
    return new AgentTpm(address.open(), address);
  }

  /** The EK, created from the default template (the same key every time, in the endorsement hierarchy). */
  CreatePrimaryResponse createEndorsementKey(EkAlgorithm algorithm) {
    CreatePrimaryResponse ek = run("create the endorsement key", () -> tpm.CreatePrimary(
        TPM_HANDLE.from(TPM_RH.ENDORSEMENT), new TPMS_SENSITIVE_CREATE(), algorithm.template(), new byte[0],
        new TPMS_PCR_SELECTION[0]));
    loaded.add(ek.handle);
    return ek;
  }

  /** The EK certificate from its NV index (DER, trailing padding removed), if the TPM has one. */
  Optional<byte[]> endorsementCertificate(EkAlgorithm algorithm) {
    TPM_HANDLE index = new TPM_HANDLE(algorithm.certificateIndex);
    NV_ReadPublicResponse nv = run("read the EK certificate's NV index", () -> tpm._allowErrors().NV_ReadPublic(index));
    if (!tpm._lastCommandSucceeded()) {
      return Optional.empty();
    }
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    for (int offset = 0; offset < nv.nvPublic.dataSize; offset += NV_CHUNK) {
      int length = Math.min(NV_CHUNK, nv.nvPublic.dataSize - offset);
      int at = offset;
      byte[] chunk = run("read the EK certificate", () -> tpm.NV_Read(index, index, length, at));
      der.write(chunk, 0, chunk.length);
    }
    return Optional.of(Der.trim(der.toByteArray()));
  }

  /** Creates a key from {@code template} under a fresh SRK; returns its public and (SRK-wrapped) private parts. */
  CreateResponse createUnderSrk(TPMT_PUBLIC template) {
    TPM_HANDLE srk = storageRootKey();
    try {
      return run("create the attestation key", () -> tpm.Create(srk, new TPMS_SENSITIVE_CREATE(new byte[0],
          new byte[0]), template, new byte[0], new TPMS_PCR_SELECTION[0]));
    } finally {
      flush(srk);
    }
  }

  /** Loads a key made by {@link #createUnderSrk}. */
  TPM_HANDLE load(TPM2B_PRIVATE inPrivate, TPMT_PUBLIC inPublic) {
    TPM_HANDLE srk = storageRootKey();
    try {
      TPM_HANDLE key = run("load the attestation key", () -> tpm.Load(srk, inPrivate, inPublic));
      loaded.add(key);
      return key;
    } finally {
      flush(srk);
    }
  }

  /** TPM2_ActivateCredential with the EK's policy (PolicySecret on the endorsement hierarchy). */
  byte[] activateCredential(TPM_HANDLE ak, TPM_HANDLE ek, byte[] integrityHmac, byte[] encIdentity, byte[] secret) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    StartAuthSessionResponse session = run("start the EK policy session", () -> tpm.StartAuthSession(
        TPM_HANDLE.NULL, TPM_HANDLE.NULL, nonce, new byte[0], TPM_SE.POLICY,
        new TPMT_SYM_DEF(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL), TPM_ALG_ID.SHA256));
    try {
      run("satisfy the EK policy", () -> tpm.PolicySecret(tpm._EndorsementHandle, session.handle, new byte[0],
          new byte[0], new byte[0], 0));
      return run("activate the credential", () -> tpm._withSessions(TPM_HANDLE.pwSession(new byte[0]), session.handle)
          .ActivateCredential(ak, ek, new TPMS_ID_OBJECT(integrityHmac, encIdentity), secret));
    } finally {
      flush(session.handle);
    }
  }

  /** Reads the sha256 PCRs (one by one, in order) and quotes them with {@code ak} over {@code nonce}. */
  TpmProtocol.Quote quote(TPM_HANDLE ak, byte[] nonce, List<Integer> pcrs) {
    List<byte[]> values = new ArrayList<>();
    for (int pcr : pcrs) {
      PCR_ReadResponse read = run("read PCR " + pcr, () -> tpm.PCR_Read(
          new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256, new int[] {pcr})}));
      if (read.pcrValues.length != 1) {
        throw new IllegalStateException("tpm: " + address + " has no sha256 PCR " + pcr);
      }
      values.add(read.pcrValues[0].buffer);
    }
    int[] selected = pcrs.stream().mapToInt(Integer::intValue).toArray();
    QuoteResponse quote = run("quote the PCRs", () -> tpm.Quote(ak, nonce, new TPMS_NULL_SIG_SCHEME(),
        new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256, selected)}));
    return new TpmProtocol.Quote(quote.quoted.toBytes(), new TPMT_SIGNATURE(quote.signature).toBytes(), values);
  }

  private TPM_HANDLE storageRootKey() {
    return run("create the storage root key", () -> tpm.CreatePrimary(TPM_HANDLE.from(TPM_RH.OWNER),
        new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]), TpmTemplates.storageRootKey(), new byte[0],
        new TPMS_PCR_SELECTION[0])).handle;
  }

  private void flush(TPM_HANDLE handle) {
    tpm._allowErrors().FlushContext(handle);
  }

  private <T> T run(String step, Supplier<T> command) {
    try {
      return command.get();
    } catch (TpmException e) {
      throw new IllegalStateException("tpm: cannot " + step + " on " + address + ": " + e.getMessage(), e);
    }
  }

  private void run(String step, Runnable command) {
    run(step, () -> {
      command.run();
      return null;
    });
  }

  /** Flushes the keys this connection loaded and closes it. */
  @Override
  public void close() {
    try {
      for (TPM_HANDLE handle : loaded) {
        flush(handle);
      }
      loaded.clear();
    } finally {
      try {
        tpm.close();
      } catch (IOException e) {
        throw new IllegalStateException("tpm: cannot close " + address + ": " + e.getMessage(), e);
      }
    }
  }
}
