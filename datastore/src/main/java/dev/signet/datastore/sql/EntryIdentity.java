package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.DataStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SPIRE considers two entries the same when SPIFFE ID, parent ID and selector set are equal. That
 * triple is hashed (length-prefixed parts, selectors sorted) into {@code identity_key}, whose unique
 * constraint settles races between concurrent creates.
 */
final class EntryIdentity {
  private static final int MAX_ENTRY_ID_LENGTH = 255;

  private EntryIdentity() {}

  static String key(SpiffeId spiffeId, SpiffeId parentId, List<Selector> selectors) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
    update(digest, spiffeId.toString());
    update(digest, parentId.toString());
    for (Selector selector : selectors.stream().sorted().toList()) {
      update(digest, selector.type());
      update(digest, selector.value());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    digest.update(bytes);
  }

  /** A client-chosen entry id must be at most 255 printable, non-space ASCII characters. */
  static void checkEntryId(String id) {
    if (id.length() > MAX_ENTRY_ID_LENGTH) {
      throw DataStoreException.invalid("entry id \"" + id + "\" is longer than " + MAX_ENTRY_ID_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      if (ch < 0x21 || ch > 0x7e) {
        throw DataStoreException.invalid("entry id \"" + id + "\" contains invalid characters");
      }
    }
  }
}
