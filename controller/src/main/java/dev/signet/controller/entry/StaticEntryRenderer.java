package dev.signet.controller.entry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.controller.config.GoDuration;
import dev.signet.controller.crd.ClusterStaticEntrySpec;
import dev.signet.proto.spire.api.types.Entry;
import java.time.Duration;

/** Renders the entry a {@code ClusterStaticEntry} declares; its fields are taken as written, nothing templated. */
public final class StaticEntryRenderer {
  private StaticEntryRenderer() {}

  /** The entry; throws {@link IllegalArgumentException} naming the bad field. */
  public static Entry render(ClusterStaticEntrySpec spec) {
    if (spec.selectors().isEmpty()) {
      throw new IllegalArgumentException("selectors: at least one selector is required");
    }
    Entry.Builder entry = Entry.newBuilder()
        .setSpiffeId(Entries.spiffeId(SpiffeId.parse(spec.spiffeID())))
        .setParentId(Entries.spiffeId(SpiffeId.parse(spec.parentID())))
        .addAllSelectors(Entries.selectors(spec.selectors().stream().map(Selector::parse).toList()))
        .setX509SvidTtl(seconds(spec.x509SVIDTTL(), "x509SVIDTTL"))
        .setJwtSvidTtl(seconds(spec.jwtSVIDTTL(), "jwtSVIDTTL"))
        .addAllDnsNames(spec.dnsNames())
        .setHint(spec.hint())
        .setAdmin(spec.admin())
        .setDownstream(spec.downstream())
        .setStoreSvid(spec.storeSVID());
    for (String td : spec.federatesWith()) {
      entry.addFederatesWith(TrustDomain.parse(td).name());
    }
    return entry.build();
  }

  private static int seconds(String text, String field) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      Duration duration = GoDuration.parse(text);
      return (int) Math.min(Integer.MAX_VALUE, duration.toSeconds());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}
