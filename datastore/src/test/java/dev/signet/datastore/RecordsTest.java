package dev.signet.datastore;

import static dev.signet.datastore.testing.TestEntries.id;
import static dev.signet.datastore.testing.TestEntries.selectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsTest {
  @Test
  void entryListsAreCopiedAndDeduplicatedInOrder() {
    RegistrationEntry entry = new RegistrationEntry(null, id("/a"), id("/p"),
        selectors("unix:uid:1", "unix:gid:2", "unix:uid:1"), 0, 0, List.of("b.example", "a.example", "b.example"),
        false, false, 0, List.of("z.example.org", "a.example.org", "z.example.org"), 0, false, null, 0);

    assertThat(entry.entryId()).isEmpty();
    assertThat(entry.hint()).isEmpty();
    assertThat(entry.selectors()).isEqualTo(selectors("unix:uid:1", "unix:gid:2"));
    assertThat(entry.federatesWith()).containsExactly("b.example", "a.example");
    assertThat(entry.dnsNames()).containsExactly("z.example.org", "a.example.org");
    assertThatThrownBy(() -> new RegistrationEntry("", id("/a"), id("/p"), List.of(), -1, 0, List.of(), false, false,
        0, List.of(), 0, false, "", 0)).hasMessage("x509_svid_ttl -1 is negative");
  }

  @Test
  void joinTokenNeverPrintsItsSecret() {
    JoinToken token = new JoinToken("s3cr3t", Instant.EPOCH.plusSeconds(10));

    assertThat(token.toString()).doesNotContain("s3cr3t");
    assertThat(token.expiredAt(Instant.EPOCH.plusSeconds(10))).isTrue();
    assertThat(token.expiredAt(Instant.EPOCH.plusSeconds(9))).isFalse();
    assertThatThrownBy(() -> new JoinToken("", Instant.EPOCH)).hasMessage("join token is empty");
  }

  @Test
  void storedBundleBytesCannotBeChangedFromOutside() {
    byte[] data = {1, 2, 3};
    StoredBundle bundle = new StoredBundle("example.org", data);
    data[0] = 9;
    bundle.data()[1] = 9;

    assertThat(bundle.data()).containsExactly(1, 2, 3);
    assertThat(bundle).isEqualTo(new StoredBundle("example.org", new byte[] {1, 2, 3}));
  }

  @Test
  void nodeSerialsDefaultToEmpty() {
    AttestedNode node = new AttestedNode(id("/spire/agent/t/n"), "t", null, null, null, null, false, false, List.of());

    assertThat(node.certSerialNumber()).isEmpty();
    assertThat(node.newCertSerialNumber()).isEmpty();
    assertThatThrownBy(() -> new AttestedNode(id("/n"), "", "", null, "", null, false, false, List.of()))
        .hasMessageContaining("attestation data type");
  }

  @Test
  void federationRelationshipProfilesAreChecked() {
    assertThatThrownBy(() -> new FederationRelationship("x.example", URI.create("http://x.example"),
        FederationRelationship.HTTPS_WEB, null)).hasMessageContaining("must use https");
    assertThatThrownBy(() -> new FederationRelationship("x.example", URI.create("https://x.example"), "ftp", null))
        .hasMessageContaining("\"ftp\"");
  }
}
