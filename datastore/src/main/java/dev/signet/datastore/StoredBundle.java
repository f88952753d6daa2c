package dev.signet.datastore;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A trust bundle as the datastore keeps it: the trust domain name (e.g. {@code example.org}) and the
 * serialized bundle, whose encoding belongs to the caller (the server stores {@code spire.api.types.Bundle}
 * bytes). The bytes are copied in and out, so instances are immutable.
 */
public record StoredBundle(String trustDomain, byte[] data) {
  public StoredBundle {
    if (trustDomain == null || trustDomain.isEmpty()) {
      throw new IllegalArgumentException("bundle trust domain is empty");
    }
    Objects.requireNonNull(data, "data");
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredBundle that && trustDomain.equals(that.trustDomain)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return 31 * trustDomain.hashCode() + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    String head = HexFormat.of().formatHex(data, 0, Math.min(8, data.length));
    return "StoredBundle[trustDomain=" + trustDomain + ", data=" + data.length + " bytes " + head + "…]";
  }
}
