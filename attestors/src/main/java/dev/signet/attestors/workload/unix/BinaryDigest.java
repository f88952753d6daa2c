package dev.signet.attestors.workload.unix;

import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a workload's binary, refusing binaries over a size limit. */
final class BinaryDigest {
  private static final int BUFFER = 64 * 1024;

  private BinaryDigest() {}

  /**
   * Hashes {@code file}, reading at most {@code limit} bytes when {@code limit > 0}.
   *
   * <p>Security: a workload chooses its binary, so hashing is a denial-of-service lever (SPIRE's docs say
   * the same). The limit is checked against the file size first and enforced again while reading, so a
   * binary that grows between the two is still refused rather than hashed without bound.
   */
  static String sha256Hex(Path file, long limit) throws WorkloadAttestationException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      if (limit > 0) {
        long size = Files.size(file);
        if (size > limit) {
          throw tooLarge(file, size, limit);
        }
      }
      byte[] buffer = new byte[BUFFER];
      long total = 0;
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        total += read;
        if (limit > 0 && total > limit) {
          throw tooLarge(file, total, limit);
        }
        digest.update(buffer, 0, read);
      }
    } catch (NoSuchFileException e) {
      throw new WorkloadAttestationException(Kind.PROCESS_GONE, "binary " + file + " is gone", e);
    } catch (IOException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "cannot read binary " + file + ": " + e, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static WorkloadAttestationException tooLarge(Path file, long size, long limit) {
    return new WorkloadAttestationException(Kind.REFUSED, "binary " + file + " is " + size
        + " bytes, over the workload_size_limit of " + limit + " bytes");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
