package dev.signet.controller.entry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Helpers over the registration entry message the admin API speaks. */
public final class Entries {
  private Entries() {}

  /** The proto form of a SPIFFE ID. */
  public static SPIFFEID spiffeId(SpiffeId id) {
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }

  /** {@code spiffe://td/path} of a proto SPIFFE ID. */
  public static String text(SPIFFEID id) {
    return SpiffeId.SCHEME_PREFIX + id.getTrustDomain() + id.getPath();
  }

  /** The proto form of selectors, in their natural order. */
  public static List<dev.signet.proto.spire.api.types.Selector> selectors(List<Selector> selectors) {
    List<dev.signet.proto.spire.api.types.Selector> out = new ArrayList<>();
    for (Selector selector : new TreeSet<>(selectors)) {
      out.add(dev.signet.proto.spire.api.types.Selector.newBuilder()
          .setType(selector.type()).setValue(selector.value()).build());
    }
    return out;
  }

  /**
   * The identity of an entry as spire-controller-manager compares them: SPIFFE ID, parent ID and the set of
   * selectors. Two declarations with the same key are one entry (the older resource wins, the other is masked).
   */
  public static String key(Entry entry) {
    StringBuilder key = new StringBuilder();
    key.append(text(entry.getSpiffeId())).append('\n').append(text(entry.getParentId()));
    TreeSet<String> selectors = new TreeSet<>();
    for (var selector : entry.getSelectorsList()) {
      selectors.add(selector.getType() + ":" + selector.getValue());
    }
    for (String selector : selectors) {
      key.append('\n').append(selector);
    }
    return key.toString();
  }

  /** The fields (outside the key) in which {@code current} differs from {@code wanted}; empty when in step. */
  public static List<String> outdatedFields(Entry wanted, Entry current) {
    List<String> outdated = new ArrayList<>();
    if (wanted.getX509SvidTtl() != current.getX509SvidTtl()) {
      outdated.add("x509SVIDTTL");
    }
    if (wanted.getJwtSvidTtl() != current.getJwtSvidTtl()) {
      outdated.add("jwtSVIDTTL");
    }
    if (!new TreeSet<>(wanted.getFederatesWithList()).equals(new TreeSet<>(current.getFederatesWithList()))) {
      outdated.add("federatesWith");
    }
    if (wanted.getAdmin() != current.getAdmin()) {
      outdated.add("admin");
    }
    if (wanted.getDownstream() != current.getDownstream()) {
      outdated.add("downstream");
    }
    if (!wanted.getDnsNamesList().equals(current.getDnsNamesList())) {
      outdated.add("dnsNames");
    }
    if (!wanted.getHint().equals(current.getHint())) {
      outdated.add("hint");
    }
    if (wanted.getStoreSvid() != current.getStoreSvid()) {
      outdated.add("storeSVID");
    }
    return outdated;
  }
}
