package dev.signet.ca.manager;

import dev.signet.common.logging.LogFields;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what a committed CA change did to one authority kind: one INFO line per authority prepared,
 * activated (naming the one it replaces), tainted or removed. It compares the slots before and after the
 * change, and runs only once the journal holds the change, so a rolled-back change leaves no line.
 * Authorities are named by their ID (an X.509 CA's subject key ID, a JWT key's kid), never by key material.
 */
final class AuthorityChangeLog {
  private static final Logger LOG = LoggerFactory.getLogger(CaManager.class);

  private AuthorityChangeLog() {}

  static void log(String kind, List<? extends Slot<?>> before, List<? extends Slot<?>> after) {
    Map<String, Slot<?>> previous = new HashMap<>();
    before.forEach(slot -> previous.put(slot.authorityId(), slot));
    String replaced = after.stream()
        .filter(s -> s.status() == AuthorityStatus.OLD && previous.containsKey(s.authorityId())
            && previous.get(s.authorityId()).status() == AuthorityStatus.ACTIVE)
        .map(Slot::authorityId).findFirst().orElse(null);
    for (Slot<?> slot : after) {
      Slot<?> was = previous.remove(slot.authorityId());
      if (was == null) {
        line(kind, slot, slot.status() == AuthorityStatus.ACTIVE ? "activated" : "prepared", null);
      } else if (was.status() != AuthorityStatus.ACTIVE && slot.status() == AuthorityStatus.ACTIVE) {
        line(kind, slot, "activated", replaced);
      } else if (!was.tainted() && slot.tainted()) {
        line(kind, slot, "tainted", null);
      }
    }
    previous.values().forEach(gone -> line(kind, gone, "removed", null));
  }

  private static void line(String kind, Slot<?> slot, String what, String replaces) {
    var line = LOG.atInfo()
        .addKeyValue(LogFields.AUTHORITY_KIND, kind)
        .addKeyValue(LogFields.AUTHORITY_ID, slot.authorityId())
        .addKeyValue(LogFields.NOT_AFTER, slot.notAfter());
    if (replaces != null) {
      line = line.addKeyValue(LogFields.REPLACES, replaces);
    }
    line.log(kind + " authority " + what);
  }
}
