package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.spiffe.Selector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class IdentitySnapshotTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final TestIdentities FOREIGN = new TestIdentities("foreign.test");
  private static final TestIdentities OTHER = new TestIdentities("other.test");

  private static Set<Selector> selectors(String... values) {
    return Set.copyOf(Stream.of(values).map(Selector::parse).toList());
  }

  @Test
  void entryAppliesWhenItsSelectorsAreASubsetOfTheCallers() {
    CachedIdentity web = TD.identity("e1", "/web", "", "unix:uid:1000", "unix:gid:1000");
    IdentitySnapshot snapshot = new IdentitySnapshot(TD.bundle, Map.of(), List.of(web));

    assertThat(snapshot.viewFor(selectors("unix:uid:1000", "unix:gid:1000", "unix:user:web")).identities())
        .containsExactly(web);
    assertThat(snapshot.viewFor(selectors("unix:uid:1000")).identities()).isEmpty();
    assertThat(snapshot.viewFor(selectors("unix:uid:1001", "unix:gid:1000")).identities()).isEmpty();
    assertThat(snapshot.viewFor(Set.of()).isEmpty()).isTrue();
  }

  @Test
  void laterDuplicatesOfAHintAreDroppedButEmptyHintsAreNot() {
    CachedIdentity first = TD.identity("e1", "/a", "internal", "unix:uid:1");
    CachedIdentity dup = TD.identity("e2", "/b", "internal", "unix:uid:1");
    CachedIdentity external = TD.identity("e3", "/c", "external", "unix:uid:1");
    CachedIdentity noHint1 = TD.identity("e4", "/d", "", "unix:uid:1");
    CachedIdentity noHint2 = TD.identity("e5", "/e", "", "unix:uid:1");
    IdentitySnapshot snapshot = new IdentitySnapshot(TD.bundle, Map.of(),
        List.of(first, dup, external, noHint1, noHint2));

    assertThat(snapshot.viewFor(selectors("unix:uid:1")).identities())
        .containsExactly(first, external, noHint1, noHint2);
  }

  @Test
  void onlyFederatedBundlesOfMatchedIdentitiesAreVisible() {
    CachedIdentity federating = TD.identity("e1", "/a", "", List.of(FOREIGN.trustDomain), "unix:uid:1");
    CachedIdentity otherCaller = TD.identity("e2", "/b", "", List.of(OTHER.trustDomain), "unix:uid:2");
    IdentitySnapshot snapshot = new IdentitySnapshot(TD.bundle,
        Map.of(FOREIGN.trustDomain, FOREIGN.bundle, OTHER.trustDomain, OTHER.bundle), List.of(federating, otherCaller));

    WorkloadView view = snapshot.viewFor(selectors("unix:uid:1"));
    assertThat(view.federatedBundles()).containsOnlyKeys(FOREIGN.trustDomain);
    assertThat(view.bundleSource().bundleFor(FOREIGN.trustDomain)).contains(FOREIGN.bundle);
    assertThat(view.bundleSource().bundleFor(OTHER.trustDomain)).isEmpty();
    assertThat(view.bundleSource().bundleFor(TD.trustDomain)).contains(TD.bundle);
  }

  @Test
  void identityWithoutSelectorsIsRefused() {
    assertThatThrownBy(() -> TD.identity("e1", "/a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no selectors");
  }

  @Test
  void federatedBundleUnderTheWrongKeyIsRefused() {
    assertThatThrownBy(() -> new IdentitySnapshot(TD.bundle, Map.of(OTHER.trustDomain, FOREIGN.bundle), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("federated bundle under \"other.test\" is for \"foreign.test\"");
  }
}
