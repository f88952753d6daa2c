package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join tokens at rest: only their SHA-256 is stored, so a copy of the database does not attest, and the
 * V2 migration hashes the plaintext tokens of a V1 store in place, each still usable exactly once. Run on
 * an H2 file and on a real PostgreSQL.
 */
class JoinTokenStorageTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  @RegisterExtension static final PostgresTestServer.PerClass POSTGRES = PostgresTestServer.perClass();
  private final ManualClock clock = new ManualClock(START);
  @TempDir Path dataDir;

  @Test
  void theDatabaseFileHoldsTheTokensHashNotTheToken() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SqlDataStore store = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      store.createJoinToken(new JoinToken(token, START.plusSeconds(600)));
    }
    Path copy = Files.createDirectory(dataDir.resolve("copy"));
    Files.copy(dataDir.resolve("datastore.sqlite3"), copy.resolve("datastore.sqlite3"));

    assertThat(new String(Files.readAllBytes(copy.resolve("datastore.sqlite3")), StandardCharsets.ISO_8859_1))
        .doesNotContain(token);
    List<String> stolen = storedValues(SqlConfig.defaults().target(copy), null);
    assertThat(stolen).containsExactly(JoinTokens.hash(token)).doesNotContain(token);

    try (SqlDataStore store = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      assertThat(store.consumeJoinToken(stolen.getFirst())).isEmpty(); // what the copy shows does not attest
      assertThat(store.consumeJoinToken(token, clock.instant())).isTrue(); // the real node still can
    }
  }

  @Test
  void theStoredValueIsTheHexSha256OfTheToken() {
    assertThat(JoinTokens.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2 vector
    assertThat(JoinTokens.fingerprint("abc")).isEqualTo("sha256:ba7816bf8f01cfea");
  }

  @Test
  void migratingASqliteStoreHashesItsPlaintextTokensWhichStillWorkOnce() throws Exception {
    migratesAV1Store(SqlConfig.defaults(), dataDir);
  }

  @Test
  void migratingAnH2StoreHashesItsPlaintextTokensWhichStillWorkOnce() throws Exception {
    migratesAV1Store(new SqlConfig(DatabaseType.H2, "", 4, 1, null, false), dataDir);
  }

  @Test
  void migratingAPostgresStoreHashesItsPlaintextTokensWhichStillWorkOnce() throws Exception {
    migratesAV1Store(POSTGRES.freshDatabase().sqlConfig(4), null);
  }

  private void migratesAV1Store(SqlConfig config, Path dir) throws Exception {
    String token = UUID.randomUUID().toString();
    JdbcTarget target = config.target(dir);
    try (Pools v1 = Pools.open(config, target)) {
      Migrations.configure(v1.writer(), target.dialect()).target("1").load().migrate();
      try (Connection c = v1.writer().getConnection();
          PreparedStatement s = c.prepareStatement("INSERT INTO join_tokens (token, expires_at) VALUES (?, ?)")) {
        s.setString(1, token);
        s.setLong(2, START.plusSeconds(600).toEpochMilli());
        s.executeUpdate();
        s.setString(1, "expired-" + token);
        s.setLong(2, START.minusSeconds(1).toEpochMilli());
        s.executeUpdate();
      }
    }

    try (SqlDataStore store = SqlDataStore.open(config, dir, clock)) {
      assertThat(storedValues(target, config)).containsExactlyInAnyOrder(JoinTokens.hash(token),
          JoinTokens.hash("expired-" + token));
      assertThat(store.consumeJoinToken(JoinTokens.hash(token))).isEmpty();
      assertThat(store.consumeJoinToken(token)).contains(START.plusSeconds(600)); // expiry kept
      assertThat(store.consumeJoinToken(token)).isEmpty(); // once
      assertThat(store.consumeJoinToken("expired-" + token, clock.instant())).isFalse();
    }
  }

  /** What a reader of the database sees in {@code join_tokens}. */
  private static List<String> storedValues(JdbcTarget target, SqlConfig config) throws Exception {
    List<String> values = new ArrayList<>();
    try (Pools pools = Pools.open(config == null ? SqlConfig.defaults() : config, target);
        Connection c = pools.reader().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM join_tokens")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

}
