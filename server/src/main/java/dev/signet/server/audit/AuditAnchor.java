package dev.signet.server.audit;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the trail's head is kept outside the trail file: the newest anchored record's {@code seq} and
 * {@code hash}. A trail whose newest records were cut off, or that was emptied or replaced, no longer
 * reaches the anchored head, which a chain checked only against itself cannot notice.
 */
public interface AuditAnchor {
  /** The anchored head, if any was saved. */
  Optional<Head> load();

  /** Replaces the anchored head; throws (unchecked) when it cannot be stored. */
  void save(Head head);

  /** No anchor: truncation at the end cannot be detected (tools verifying a copy without one). */
  static AuditAnchor none() {
    return new AuditAnchor() {
      @Override
      public Optional<Head> load() {
        return Optional.empty();
      }

      @Override
      public void save(Head head) {}
    };
  }

  /**
   * A head: the record {@code seq} whose {@code hash} field is {@code hash} (64 lower-case hex digits), or
   * only a seq ({@code hash} null) when that is all that is known, as from the server's metrics.
   */
  record Head(long seq, String hash) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Head {
      if (seq < 1) {
        throw new IllegalArgumentException("an anchored head's seq must be at least 1, not " + seq);
      }
      if (hash != null && !HEX.matcher(hash).matches()) {
        throw new IllegalArgumentException("an anchored head's hash must be 64 hex digits, not \"" + hash + "\"");
      }
    }

    /** {@code "v1 <seq> <hash>"} in ASCII, as stored. */
    public byte[] encode() {
      if (hash == null) {
        throw new IllegalStateException("a head without its hash cannot be stored");
      }
      return ("v1 " + seq + " " + hash).getBytes(StandardCharsets.US_ASCII);
    }

    /** The inverse of {@link #encode}. */
    public static Head decode(byte[] stored) {
      String text = new String(stored, StandardCharsets.US_ASCII);
      String[] parts = text.split(" ", -1);
      if (parts.length != 3 || !parts[0].equals("v1")) {
        throw new IllegalArgumentException("stored audit anchor \"" + text + "\" is not \"v1 <seq> <hash>\"");
      }
      try {
        return new Head(Long.parseLong(parts[1]), parts[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("stored audit anchor \"" + text + "\" has no numeric seq");
      }
    }

    /** {@code SEQ} or {@code SEQ:HASH} as given on the command line; a bare seq checks only the length. */
    public static Head parse(String text) {
      int colon = text.indexOf(':');
      try {
        long seq = Long.parseLong(colon < 0 ? text : text.substring(0, colon));
        return colon < 0 ? new Head(seq, null) : new Head(seq, text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("head \"" + text + "\" is not SEQ or SEQ:HASH");
      }
    }
  }
}
