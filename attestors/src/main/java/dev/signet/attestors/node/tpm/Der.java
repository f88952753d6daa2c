package dev.signet.attestors.node.tpm;

import java.util.Arrays;

/** The length of a DER value from its header: NV indices are often larger than the certificate they hold. */
final class Der {
  private Der() {}

  /** {@code bytes} cut after the first complete DER value; unchanged when the header cannot be read. */
  static byte[] trim(byte[] bytes) {
    if (bytes.length < 2) {
      return bytes;
    }
    int first = bytes[1] & 0xff;
    long length;
    int header;
    if (first < 0x80) {
      length = first;
      header = 2;
    } else {
      int count = first & 0x7f;
      if (count == 0 || count > 4 || bytes.length < 2 + count) {
        return bytes;
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (bytes[2 + i] & 0xff);
      }
      header = 2 + count;
    }
    long total = header + length;
    return total < bytes.length ? Arrays.copyOf(bytes, (int) total) : bytes;
  }
}
