package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DeleteMode;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.EventSubscription;
import dev.signet.datastore.FederationRelationship;
import dev.signet.datastore.ItemOutcome;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.StoredBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DataStore "sql"}: the {@link DataStore} over JDBC, on embedded SQLite (default), PostgreSQL or
 * embedded H2, with HikariCP pools ({@link Pools}) and Flyway migrations ({@link Migrations}). Each public
 * method is one transaction; the per-table SQL, shared by the three databases, lives in package-private
 * helpers ({@link EntryWriter}, {@link Nodes}, {@link Bundles}…); what differs is in {@link SqlDialect}.
 *
 * <p>Security-relevant choices: join tokens are stored as their SHA-256 only ({@link JoinTokens}) and
 * consumed by the row count of a DELETE (exactly once under any concurrency); an embedded database's
 * directory and files are owner-only ({@link EmbeddedFilePermissions}); entry updates lock the row
 * ({@code SELECT … FOR UPDATE}, or SQLite's single writer) so no write is lost; a banned node refuses serial
 * updates until it is deleted; nothing is acknowledged before it is durable ({@link CommitDurability}).
 */
public final class SqlDataStore implements DataStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqlDataStore.class);

  private final Pools pools;
  private final JdbcTarget target;
  private final Transactions tx;
  private final EventLog events = new EventLog();
  private final Clock clock;
  /** Null unless the store is an embedded file; then its files as they were before the open. */
  private final EmbeddedFilePermissions files;
  private final Map<Path, Object> filesBefore;
  private final Set<EventSubscription> subscriptions = ConcurrentHashMap.newKeySet();

  private SqlDataStore(Pools pools, JdbcTarget target, Clock clock, EmbeddedFilePermissions files,
      Map<Path, Object> filesBefore) {
    this.pools = pools;
    this.target = target;
    this.clock = clock;
    this.files = files;
    this.filesBefore = filesBefore;
    this.tx = new Transactions(pools, target.dialect(), events, clock, CommitDurability.of(target));
  }

  /**
   * Opens the pool and migrates the schema (or, with {@code disable_migration}, checks it).
   *
   * @param dataDir the server's data directory, home of the embedded database file; may be null when
   *     the configuration names the database explicitly
   */
  public static SqlDataStore open(SqlConfig config, Path dataDir, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    JdbcTarget target;
    try {
      target = config.target(dataDir);
    } catch (IllegalArgumentException e) {
      throw DataStoreException.invalid("sql: " + e.getMessage());
    }
    config.legacyH2Base(dataDir).ifPresent(base -> LegacyH2Import.importIfPresent(base,
        target.embeddedFiles().orElseThrow().storeFile()));
    return openTarget(config, target, clock);
  }

  /** Opens {@code target} with {@code config}'s pool settings and migration choice. */
  static SqlDataStore openTarget(SqlConfig config, JdbcTarget target, Clock clock) {
    EmbeddedFilePermissions files = target.embeddedFiles().orElse(null);
    Map<Path, Object> filesBefore = files == null ? Map.of() : prepare(files);
    Pools pools = Pools.open(config, target);
    try {
      CommitDurability.of(target).afterOpen(pools.writer());
      Migrations.run(pools.writer(), target.dialect(), config.disableMigration());
      if (files != null) {
        files.restrictCreatedSince(filesBefore);
      }
    } catch (IOException e) {
      pools.close();
      throw new DataStoreException(DataStoreException.Kind.UNAVAILABLE,
          "sql: cannot make the files of " + files.storeFile() + " owner-only: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      pools.close();
      throw e;
    }
    LOG.info("sql: datastore open on {}", target);
    return new SqlDataStore(pools, target, clock, files, filesBefore);
  }

  /** The embedded database's directory made 0700 if missing; returns the database files that already exist. */
  private static Map<Path, Object> prepare(EmbeddedFilePermissions files) {
    try {
      files.prepareDirectory();
      return files.snapshot();
    } catch (IOException e) {
      throw new DataStoreException(DataStoreException.Kind.UNAVAILABLE,
          "sql: cannot prepare the directory of " + files.storeFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The files of the embedded database that {@code config} opens under {@code dataDir} that hold its data
   * ({@code datastore.sqlite3} and its write-ahead log {@code datastore.sqlite3-wal} by default; an H2
   * store's {@code .mv.db}), whether they exist yet or not; empty for PostgreSQL or an in-memory H2. For the
   * server's start-up check of secret files: the store holds entries, nodes, join-token hashes and the CA
   * journal. (Other files of the database are made 0600 too, but a stale one is no reason to refuse a start.)
   */
  public static List<Path> embeddedStoreFiles(SqlConfig config, Path dataDir) {
    try {
      JdbcTarget target = config.target(dataDir);
      return target.embeddedFiles().map(f -> target.dialect() == SqlDialect.SQLITE
          ? List.of(f.storeFile(), f.storeFile().resolveSibling(f.storeFile().getFileName() + "-wal"))
          : List.of(f.storeFile())).orElse(List.of());
    } catch (IllegalArgumentException e) {
      throw DataStoreException.invalid("sql: " + e.getMessage());
    }
  }

  /** The store's transactions, for tests that drive a write's failure themselves. */
  Transactions transactions() {
    return tx;
  }

  /** The pools, for {@link LegacyH2Import}. */
  Pools pools() {
    return pools;
  }

  // ---- entries

  @Override
  public RegistrationEntry createEntry(RegistrationEntry entry) {
    return tx.write(() -> "create entry \"" + entry.entryId() + "\" for \"" + entry.spiffeId() + "\"",
        t -> EntryWriter.create(t, entry, clock.instant()));
  }

  @Override
  public List<ItemOutcome<RegistrationEntry>> createEntries(List<RegistrationEntry> entries) {
    Instant now = clock.instant();
    return tx.writeEach(() -> "create " + entries.size() + " entries", entries,
        entry -> "create entry \"" + entry.entryId() + "\" for \"" + entry.spiffeId() + "\"",
        (t, entry) -> EntryWriter.create(t, entry, now));
  }

  @Override
  public Optional<RegistrationEntry> fetchEntry(String entryId) {
    if (entryId == null || entryId.isEmpty()) {
      return Optional.empty();
    }
    return tx.read(() -> "fetch entry \"" + entryId + "\"", c -> EntryReader.read(c, new Sql("SELECT "
        + EntryReader.COLUMNS + " FROM registered_entries e WHERE e.entry_id = ?", entryId))
        .stream().findFirst().map(EntryReader.Row::entry));
  }

  @Override
  public List<RegistrationEntry> fetchEntries(Collection<String> entryIds) {
    List<String> ids = List.copyOf(new LinkedHashSet<>(entryIds));
    if (ids.isEmpty()) {
      return List.of();
    }
    return tx.read(() -> "fetch " + ids.size() + " entries", c -> {
      List<EntryReader.Row> rows = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += Sql.IN_CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + Sql.IN_CHUNK));
        rows.addAll(EntryReader.read(c, new Sql("SELECT " + EntryReader.COLUMNS + " FROM registered_entries e "
            + "WHERE e.entry_id IN (" + Sql.markers(chunk.size()) + ")", chunk.toArray())));
      }
      rows.sort(Comparator.comparingLong(EntryReader.Row::seq));
      return rows.stream().map(EntryReader.Row::entry).toList();
    });
  }

  @Override
  public RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask) {
    return tx.write(() -> "update entry \"" + entry.entryId() + "\"", t -> EntryWriter.update(t, entry, mask, null));
  }

  @Override
  public RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask, long expectedRevision) {
    return tx.write(() -> "update entry \"" + entry.entryId() + "\" at revision " + expectedRevision,
        t -> EntryWriter.update(t, entry, mask, expectedRevision));
  }

  @Override
  public RegistrationEntry deleteEntry(String entryId) {
    return tx.write(() -> "delete entry \"" + entryId + "\"", t -> EntryWriter.delete(t, entryId));
  }

  @Override
  public Page<RegistrationEntry> listEntries(EntryFilter filter, String pageToken, int pageSize) {
    Paging.checkSize(pageSize);
    long after = Paging.after(pageToken);
    Sql query = new Sql("SELECT " + EntryReader.COLUMNS + " FROM registered_entries e").add(EntryQueries.where(filter));
    Paging.bound(query, "e.seq", after, pageSize);
    return tx.read(() -> "list entries", c -> Paging.page(EntryReader.read(c, query), pageSize,
        EntryReader.Row::seq, EntryReader.Row::entry));
  }

  @Override
  public long countEntries(EntryFilter filter) {
    Sql query = new Sql("SELECT COUNT(*) FROM registered_entries e").add(EntryQueries.where(filter));
    return tx.read(() -> "count entries", c -> count(c, query));
  }

  @Override
  public List<RegistrationEntry> listAllEntries() {
    return tx.read(() -> "list all entries", c -> EntryReader.readAll(c).stream().map(EntryReader.Row::entry).toList());
  }

  @Override
  public int pruneEntries(Instant expiredBefore) {
    return tx.write(() -> "prune entries expired before " + expiredBefore, t -> EntryWriter.prune(t, expiredBefore));
  }

  // ---- nodes

  @Override
  public AttestedNode createAttestedNode(AttestedNode node) {
    return tx.write(() -> "create node \"" + node.spiffeId() + "\"", t -> Nodes.create(t, node, clock.instant()));
  }

  @Override
  public Optional<AttestedNode> fetchAttestedNode(SpiffeId spiffeId) {
    return tx.read(() -> "fetch node \"" + spiffeId + "\"", c -> Nodes.fetch(c, spiffeId));
  }

  @Override
  public Page<AttestedNode> listAttestedNodes(NodeFilter filter, String pageToken, int pageSize) {
    Paging.checkSize(pageSize);
    long after = Paging.after(pageToken);
    return tx.read(() -> "list nodes", c -> Paging.page(Nodes.list(c, filter, after, pageSize), pageSize,
        Nodes.Row::seq, Nodes.Row::node));
  }

  @Override
  public long countAttestedNodes(NodeFilter filter) {
    return tx.read(() -> "count nodes", c -> Nodes.count(c, filter));
  }

  @Override
  public AttestedNode updateNodeSerials(SpiffeId spiffeId, String certSerialNumber, Instant certNotAfter,
      String newCertSerialNumber, Instant newCertNotAfter) {
    return tx.write(() -> "update serials of node \"" + spiffeId + "\"", t -> Nodes.updateSerials(t, spiffeId,
        certSerialNumber, certNotAfter, newCertSerialNumber, newCertNotAfter));
  }

  @Override
  public AttestedNode banNode(SpiffeId spiffeId) {
    return tx.write(() -> "ban node \"" + spiffeId + "\"", t -> Nodes.ban(t, spiffeId));
  }

  @Override
  public AttestedNode setAgentVersion(SpiffeId spiffeId, String agentVersion) {
    if (agentVersion == null || agentVersion.length() > AttestedNode.MAX_AGENT_VERSION_LENGTH) {
      throw DataStoreException.invalid("agent version of node \"" + spiffeId + "\" is longer than "
          + AttestedNode.MAX_AGENT_VERSION_LENGTH + " characters");
    }
    return tx.write(() -> "set the agent version of node \"" + spiffeId + "\"",
        t -> Nodes.setAgentVersion(t, spiffeId, agentVersion));
  }

  @Override
  public AttestedNode deleteNode(SpiffeId spiffeId) {
    return tx.write(() -> "delete node \"" + spiffeId + "\"", t -> Nodes.delete(t, spiffeId));
  }

  @Override
  public void setNodeSelectors(SpiffeId spiffeId, List<Selector> selectors) {
    tx.write(() -> "set selectors of node \"" + spiffeId + "\"", t -> {
      Nodes.setSelectors(t, spiffeId, selectors);
      return null;
    });
  }

  @Override
  public List<Selector> getNodeSelectors(SpiffeId spiffeId) {
    return tx.read(() -> "get selectors of node \"" + spiffeId + "\"", c -> Nodes.selectors(c, spiffeId));
  }

  // ---- join tokens

  @Override
  public void createJoinToken(JoinToken token) {
    tx.write(() -> "create join token " + JoinTokens.fingerprint(token.token().reveal()), t -> {
      JoinTokens.create(t, token);
      return null;
    });
  }

  @Override
  public Optional<Instant> consumeJoinToken(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return tx.write(() -> "consume join token " + JoinTokens.fingerprint(token), t -> JoinTokens.consume(t, token));
  }

  @Override
  public int pruneJoinTokens(Instant expiredBefore) {
    return tx.write(() -> "prune join tokens expired before " + expiredBefore,
        t -> JoinTokens.prune(t, expiredBefore));
  }

  // ---- bundles

  @Override
  public StoredBundle createBundle(StoredBundle bundle) {
    return tx.write(() -> "create bundle \"" + bundle.trustDomain() + "\"",
        t -> Bundles.create(t, bundle, clock.instant()));
  }

  @Override
  public StoredBundle setBundle(StoredBundle bundle) {
    return tx.write(() -> "set bundle \"" + bundle.trustDomain() + "\"", t -> Bundles.set(t, bundle, clock.instant()));
  }

  @Override
  public Optional<StoredBundle> updateBundle(String trustDomain,
      java.util.function.Function<Optional<StoredBundle>, Optional<StoredBundle>> change) {
    return tx.write(() -> "update bundle \"" + trustDomain + "\"",
        t -> Bundles.update(t, trustDomain, change, clock.instant()));
  }

  @Override
  public Optional<StoredBundle> fetchBundle(String trustDomain) {
    return tx.read(() -> "fetch bundle \"" + trustDomain + "\"", c -> Bundles.fetch(c, trustDomain));
  }

  @Override
  public List<StoredBundle> listBundles() {
    return tx.read(() -> "list bundles", Bundles::list);
  }

  @Override
  public void deleteBundle(String trustDomain, DeleteMode mode) {
    Objects.requireNonNull(mode, "mode");
    tx.write(() -> "delete bundle \"" + trustDomain + "\"", t -> {
      Bundles.delete(t, trustDomain, mode);
      return null;
    });
  }

  // ---- CA journal

  @Override
  public void setCaJournal(String name, byte[] data) {
    byte[] copy = data.clone();
    tx.write(() -> "set ca journal \"" + name + "\"", t -> {
      CaJournal.set(t, name, copy, clock.instant());
      return null;
    });
  }

  @Override
  public Optional<byte[]> fetchCaJournal(String name) {
    return tx.read(() -> "fetch ca journal \"" + name + "\"", c -> CaJournal.fetch(c, name));
  }

  // ---- federation relationships

  @Override
  public FederationRelationship createFederationRelationship(FederationRelationship relationship) {
    return tx.write(() -> "create federation relationship \"" + relationship.trustDomain() + "\"",
        t -> Federations.create(t, relationship));
  }

  @Override
  public FederationRelationship updateFederationRelationship(FederationRelationship relationship) {
    return tx.write(() -> "update federation relationship \"" + relationship.trustDomain() + "\"",
        t -> Federations.update(t, relationship));
  }

  @Override
  public Optional<FederationRelationship> fetchFederationRelationship(String trustDomain) {
    return tx.read(() -> "fetch federation relationship \"" + trustDomain + "\"",
        c -> Federations.fetch(c, trustDomain));
  }

  @Override
  public List<FederationRelationship> listFederationRelationships() {
    return tx.read(() -> "list federation relationships", Federations::list);
  }

  @Override
  public void deleteFederationRelationship(String trustDomain) {
    tx.write(() -> "delete federation relationship \"" + trustDomain + "\"", t -> {
      Federations.delete(t, trustDomain);
      return null;
    });
  }

  // ---- events

  @Override
  public List<ChangeEvent> listEvents(long afterId, int limit) {
    if (limit <= 0) {
      throw DataStoreException.invalid("event limit " + limit + " is not positive");
    }
    return tx.read(() -> "list events after " + afterId, c -> events.list(c, afterId, limit));
  }

  @Override
  public long latestEventId() {
    return tx.read(() -> "read the latest event id", events::latest);
  }

  @Override
  public int pruneEvents(Instant before) {
    return tx.write(() -> "prune events before " + before, t -> events.prune(t.connection(), before));
  }

  /**
   * On PostgreSQL, a {@link PostgresEventListener} on a connection of its own; closed with the store at the
   * latest. The embedded databases have one process and nothing to listen to.
   */
  @Override
  public EventSubscription subscribeToEvents(Runnable wake) {
    Objects.requireNonNull(wake, "wake");
    if (target.dialect() != SqlDialect.POSTGRES) {
      return EventSubscription.NONE;
    }
    PostgresEventListener listener = PostgresEventListener.start(target, wake);
    subscriptions.add(listener);
    return () -> {
      subscriptions.remove(listener);
      listener.close();
    };
  }

  @Override
  public boolean healthy() {
    try (Connection c = pools.reader().getConnection()) {
      return c.isValid(5);
    } catch (SQLException e) {
      LOG.warn("sql: health check failed: {}", e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    if (pools.isClosed()) {
      return;
    }
    subscriptions.forEach(EventSubscription::close);
    pools.close();
    if (files != null) {
      try {
        files.restrictCreatedSince(filesBefore); // the files made while open (H2's trace, a compacted store)
      } catch (IOException e) {
        LOG.warn("sql: cannot make the files of {} owner-only: {}", files.storeFile(), e.getMessage());
      }
    }
    if (target.inMemoryH2()) {
      // an in-memory database outlives its connections (DB_CLOSE_DELAY=-1); drop it now
      try (Connection c = DriverManager.getConnection(target.jdbcUrl()); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        LOG.warn("sql: h2 shutdown failed: {}", e.getMessage());
      }
    }
  }

  private static long count(Connection c, Sql query) throws SQLException {
    try (var s = query.prepare(c); var rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
