package dev.signet.server.entrycache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.RegistrationEntry;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizedEntryIndexTest {
  private static final SpiffeId SERVER = SpiffeId.parse("spiffe://example.org/spire/server");
  private static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t1");
  private static final SpiffeId OTHER_AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t2");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static RegistrationEntry entry(String id, String spiffeId, SpiffeId parent, long expiresAt, String... selectors) {
    return new RegistrationEntry(id, SpiffeId.parse(spiffeId), parent,
        java.util.Arrays.stream(selectors).map(Selector::parse).toList(), 3600, 300, List.of(), false, false,
        expiresAt, List.of(), 1, false, "", NOW.getEpochSecond());
  }

  private static List<String> ids(List<RegistrationEntry> entries) {
    return entries.stream().map(RegistrationEntry::entryId).sorted().toList();
  }

  @Test
  void directChildrenAliasesAndDescendantsAreAuthorized() {
    AuthorizedEntryIndex index = AuthorizedEntryIndex.build(SERVER, List.of(
        entry("direct", "spiffe://example.org/web", AGENT, 0, "unix:uid:1000"),
        entry("alias", "spiffe://example.org/node/prod", SERVER, 0, "k8s_psat:cluster:prod", "k8s_psat:agent_ns:spire"),
        entry("via-alias", "spiffe://example.org/db", SpiffeId.parse("spiffe://example.org/node/prod"), 0, "unix:uid:26"),
        entry("nested", "spiffe://example.org/db/sidecar", SpiffeId.parse("spiffe://example.org/db"), 0, "unix:uid:27"),
        entry("other", "spiffe://example.org/api", OTHER_AGENT, 0, "unix:uid:1")));

    List<RegistrationEntry> got = index.authorizedFor(AGENT,
        Set.of(Selector.parse("k8s_psat:cluster:prod"), Selector.parse("k8s_psat:agent_ns:spire")), NOW);

    assertThat(ids(got)).containsExactly("direct", "nested", "via-alias");
  }

  @Test
  void aliasNeedsAllOfItsSelectors() {
    AuthorizedEntryIndex index = AuthorizedEntryIndex.build(SERVER, List.of(
        entry("alias", "spiffe://example.org/node/prod", SERVER, 0, "k8s_psat:cluster:prod", "k8s_psat:agent_ns:spire"),
        entry("via-alias", "spiffe://example.org/db", SpiffeId.parse("spiffe://example.org/node/prod"), 0, "unix:uid:26")));

    assertThat(index.authorizedFor(AGENT, Set.of(Selector.parse("k8s_psat:cluster:prod")), NOW))
        .as("a subset of the alias's selectors is not enough").isEmpty();
  }

  @Test
  void expiredEntriesAuthorizeNothing() {
    long past = NOW.getEpochSecond() - 1;
    AuthorizedEntryIndex index = AuthorizedEntryIndex.build(SERVER, List.of(
        entry("expired", "spiffe://example.org/web", AGENT, past, "unix:uid:1000"),
        entry("child-of-expired", "spiffe://example.org/web/child", SpiffeId.parse("spiffe://example.org/web"), 0,
            "unix:uid:1001")));

    assertThat(index.authorizedFor(AGENT, Set.of(), NOW)).isEmpty();
  }

  @Test
  void parentCyclesTerminate() {
    SpiffeId a = SpiffeId.parse("spiffe://example.org/a");
    SpiffeId b = SpiffeId.parse("spiffe://example.org/b");
    AuthorizedEntryIndex index = AuthorizedEntryIndex.build(SERVER, List.of(
        entry("a", a.toString(), AGENT, 0, "unix:uid:1"),
        entry("b", b.toString(), a, 0, "unix:uid:2"),
        entry("a-again", a.toString(), b, 0, "unix:uid:3")));

    assertThat(ids(index.authorizedFor(AGENT, Set.of(), NOW))).containsExactly("a", "a-again", "b");
  }
}
