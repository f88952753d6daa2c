package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.server.cli.Printer;
import java.time.Instant;

/** Pretty-prints entries in spire-server's layout. */
final class EntryPrinter {
  private EntryPrinter() {}

  static String id(SPIFFEID id) {
    return "spiffe://" + id.getTrustDomain() + id.getPath();
  }

  static void print(Printer out, Entry entry) {
    out.field("Entry ID", entry.getId());
    out.field("SPIFFE ID", id(entry.getSpiffeId()));
    out.field("Parent ID", id(entry.getParentId()));
    out.field("Revision", entry.getRevisionNumber());
    if (entry.getDownstream()) {
      out.field("Downstream", true);
    }
    out.field("X509-SVID TTL", entry.getX509SvidTtl() == 0 ? "default" : entry.getX509SvidTtl());
    out.field("JWT-SVID TTL", entry.getJwtSvidTtl() == 0 ? "default" : entry.getJwtSvidTtl());
    if (entry.getExpiresAt() != 0) {
      out.field("Expiration time", Instant.ofEpochSecond(entry.getExpiresAt()));
    }
    entry.getSelectorsList().forEach(s -> out.field("Selector", s.getType() + ":" + s.getValue()));
    entry.getFederatesWithList().forEach(td -> out.field("FederatesWith", td));
    entry.getDnsNamesList().forEach(dns -> out.field("DNS name", dns));
    if (entry.getAdmin()) {
      out.field("Admin", true);
    }
    if (entry.getStoreSvid()) {
      out.field("StoreSvid", true);
    }
    if (!entry.getHint().isEmpty()) {
      out.field("Hint", entry.getHint());
    }
    out.blank();
  }
}
