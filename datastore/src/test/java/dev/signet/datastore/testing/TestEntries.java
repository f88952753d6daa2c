package dev.signet.datastore.testing;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.RegistrationEntry;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Terse builders of datastore records for tests. */
public final class TestEntries {
  private TestEntries() {}

  /** {@code spiffe://example.org<path>}. */
  public static SpiffeId id(String path) {
    return SpiffeId.parse("spiffe://example.org" + path);
  }

  /** Selectors from {@code type:value} texts. */
  public static List<Selector> selectors(String... texts) {
    return Arrays.stream(texts).map(Selector::parse).toList();
  }

  /** A plain entry with a generated id: workload {@code path} under parent {@code parentPath}. */
  public static RegistrationEntry entry(String path, String parentPath, String... selectorTexts) {
    return new RegistrationEntry("", id(path), id(parentPath), selectors(selectorTexts), 0, 0, List.of(), false,
        false, 0, List.of(), 0, false, "", 0);
  }

  /** An attested node with current serial {@code serial} expiring at {@code notAfter}. */
  public static AttestedNode node(String agentPath, String type, String serial, Instant notAfter,
      String... selectorTexts) {
    return new AttestedNode(id(agentPath), type, serial, notAfter, "", null, false, false, selectors(selectorTexts));
  }
}
