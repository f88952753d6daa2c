package dev.signet.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that keys the audit trail's chain: 32 random bytes in their own file (mode 0600, by default
 * {@code <data_dir>/audit.key}), kept apart from the trail so that whoever can write the trail but cannot
 * read the key cannot forge a record. Whoever holds the key (root, the server's user) can rewrite the trail
 * and recompute every MAC; the datastore anchor ({@link AuditAnchor}) and a copy of the trail elsewhere are
 * what remain against them.
 *
 * <p>The key has a public id, the first 8 bytes of HMAC-SHA-256(key, "signet audit key id") in hex, written
 * into every keyed record and naming the key's anchor, so a trail checked with the wrong key says so.
 * {@link #toString()} never shows the key.
 */
public final class AuditKey {
  /** The key's file name in the server's {@code data_dir}. */
  public static final String FILE_NAME = "audit.key";
  static final int LENGTH = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final Mac mac;
  private final String id;

  private AuditKey(byte[] secret) {
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
    id = HexFormat.of().formatHex(mac("signet audit key id".getBytes(StandardCharsets.US_ASCII)), 0, 8);
  }

  /** A key from its 32 bytes (tests, and the key file's content). */
  static AuditKey of(byte[] secret) {
    if (secret.length != LENGTH) {
      throw new IllegalArgumentException("an audit key is " + LENGTH + " bytes, not " + secret.length);
    }
    return new AuditKey(secret.clone());
  }

  /**
   * Reads the key at {@code file}, or creates it (32 bytes from SecureRandom, mode 0600) when there is none.
   * Creation is atomic: the bytes go to a private temporary file that is then hard-linked to {@code file},
   * which fails if another process created it first; that key is then read. A reader never sees a short key.
   */
  public static AuditKey loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] secret = new byte[LENGTH];
    new SecureRandom().nextBytes(secret);
    Path temp = Files.createTempFile(dir, ".audit.key", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(secret);
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        return read(file);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return of(secret);
  }

  /** Reads an existing key; a missing or malformed file is an error (verification never creates one). */
  public static AuditKey read(Path file) throws IOException {
    byte[] secret;
    try {
      secret = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no audit key file");
    }
    if (secret.length != LENGTH) {
      throw new IOException("audit key file " + file + " holds " + secret.length + " bytes, not " + LENGTH);
    }
    return of(secret);
  }

  /** The key's public id (16 hex digits). */
  public String id() {
    return id;
  }

  /** HMAC-SHA-256 of {@code data[from, to)}. */
  synchronized byte[] mac(byte[] data, int from, int to) {
    mac.update(data, from, to - from);
    return mac.doFinal();
  }

  private byte[] mac(byte[] data) {
    return mac(data, 0, data.length);
  }

  @Override
  public String toString() {
    return "AuditKey[id=" + id + "]";
  }
}
