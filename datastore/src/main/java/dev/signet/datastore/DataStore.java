package dev.signet.datastore;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SPIRE's {@code DataStore}: registration entries, attested nodes and their selectors, join tokens,
 * trust bundles, the CA journal, federation relationships, and a change-event log. Every write is one
 * transaction that also appends its {@link ChangeEvent}s. Every method throws {@link DataStoreException}
 * on failure; none returns a partial result.
 *
 * <p>Listings take a page token (empty for the first page) and a page size (0 for everything) and
 * return items in a stable order.
 */
public interface DataStore extends AutoCloseable {

  // ---- registration entries

  /**
   * Stores a new entry. An empty id is replaced by a random UUID; the revision is 0 and the creation
   * time is now. Fails with {@code ALREADY_EXISTS} when the id is taken or an entry with the same SPIFFE
   * ID, parent ID and selector set exists, and with {@code INVALID_ARGUMENT} when the entry has no
   * selectors or federates with a trust domain that has no bundle.
   */
  RegistrationEntry createEntry(RegistrationEntry entry);

  /**
   * Stores each entry as {@link #createEntry} would, all in one transaction made durable once: an entry that
   * fails (a taken id, a twin, earlier in the batch too, an invalid entry) is left out and its failure is its
   * outcome, and the others are stored. Outcomes are in the order of {@code entries}. Throws, storing nothing,
   * only when the transaction itself fails.
   */
  List<ItemOutcome<RegistrationEntry>> createEntries(List<RegistrationEntry> entries);

  Optional<RegistrationEntry> fetchEntry(String entryId);

  /** The stored entries among {@code entryIds}, in the order they were created; ids not stored are left out. */
  List<RegistrationEntry> fetchEntries(Collection<String> entryIds);

  /**
   * Replaces the fields named in {@code mask} ({@link RegistrationEntry#UPDATABLE_FIELDS}; null means
   * all) of the stored entry with id {@code entry.entryId()} and increments its revision. The stored row
   * is locked for the duration, so concurrent updates of different fields never lose one another; for
   * the same field the last writer wins, as in SPIRE. {@code entry.revisionNumber()} is ignored.
   */
  RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask);

  /**
   * {@link #updateEntry(RegistrationEntry, Set)} for optimistic read-modify-write: fails with
   * {@code CONFLICT} unless the stored revision is still {@code expectedRevision}, so a client that
   * re-reads and retries on conflict never overwrites a change it has not seen.
   */
  RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask, long expectedRevision);

  /** Deletes the entry and returns it as it was; {@code NOT_FOUND} when absent. */
  RegistrationEntry deleteEntry(String entryId);

  Page<RegistrationEntry> listEntries(EntryFilter filter, String pageToken, int pageSize);

  long countEntries(EntryFilter filter);

  /** Every entry, for building caches; loads in a constant number of queries. */
  List<RegistrationEntry> listAllEntries();

  /** Deletes entries whose non-zero expiry is before {@code expiredBefore}; returns how many. */
  int pruneEntries(Instant expiredBefore);

  // ---- attested nodes

  /** Stores a new node and its selectors; {@code ALREADY_EXISTS} when the SPIFFE ID is attested. */
  AttestedNode createAttestedNode(AttestedNode node);

  /** The node with its selectors, or empty. */
  Optional<AttestedNode> fetchAttestedNode(SpiffeId spiffeId);

  Page<AttestedNode> listAttestedNodes(NodeFilter filter, String pageToken, int pageSize);

  long countAttestedNodes(NodeFilter filter);

  /**
   * Sets the current and the new SVID serials and expiries (after re-attestation or renewal). Refused
   * with {@code CONFLICT} when the node is banned, so a renewal racing a ban cannot revive the node.
   */
  AttestedNode updateNodeSerials(SpiffeId spiffeId, String certSerialNumber, Instant certNotAfter,
      String newCertSerialNumber, Instant newCertNotAfter);

  /** Bans the node: clears both serials and sets the banned flag (SPIRE's {@code BanAgent}). */
  AttestedNode banNode(SpiffeId spiffeId);

  /** Records the version the agent reported ({@code PostStatus}); NOT_FOUND when the node is unknown. */
  AttestedNode setAgentVersion(SpiffeId spiffeId, String agentVersion);

  /** Deletes the node and its selectors (SPIRE's evict); it may attest again afterwards. */
  AttestedNode deleteNode(SpiffeId spiffeId);

  /** Replaces the node selectors of {@code spiffeId} (the node need not exist, as in SPIRE). */
  void setNodeSelectors(SpiffeId spiffeId, List<Selector> selectors);

  List<Selector> getNodeSelectors(SpiffeId spiffeId);

  // ---- join tokens

  /** Stores a join token; {@code ALREADY_EXISTS} when it exists. */
  void createJoinToken(JoinToken token);

  /**
   * Deletes the token and returns its expiry; empty when it does not exist (never created, consumed
   * already, or pruned). Atomic: of any number of concurrent callers with one token, exactly one gets
   * a value. The caller checks the expiry; {@link #consumeJoinToken(String, Instant)} does both.
   */
  Optional<Instant> consumeJoinToken(String token);

  /**
   * Consumes the token and answers whether it was valid: it existed and had not expired at {@code now}.
   * An expired token is consumed too, so it cannot be retried.
   */
  default boolean consumeJoinToken(String token, Instant now) {
    return consumeJoinToken(token).map(now::isBefore).orElse(false);
  }

  /** Deletes tokens that expired before {@code expiredBefore}; returns how many. */
  int pruneJoinTokens(Instant expiredBefore);

  // ---- bundles

  /** Stores a new bundle; {@code ALREADY_EXISTS} when one exists for the trust domain. */
  StoredBundle createBundle(StoredBundle bundle);

  /** Creates or replaces the bundle of its trust domain. */
  StoredBundle setBundle(StoredBundle bundle);

  Optional<StoredBundle> fetchBundle(String trustDomain);

  /**
   * Read-modify-write of one bundle that servers sharing the database cannot interleave: {@code change}
   * receives the stored bundle (empty when there is none) with its row locked for the rest of the
   * transaction, and returns the bundle to store, or empty to leave it as it is. Returns what is stored
   * afterwards (empty only when there was none and {@code change} made none). Two servers that each add
   * their own CA to the shared bundle at the same moment both land: a plain fetch then {@link #setBundle}
   * would lose one of them. {@code change} may run more than once (the transaction is retried when a
   * concurrent first insert of the same trust domain wins), so it must be free of side effects.
   */
  Optional<StoredBundle> updateBundle(String trustDomain,
      java.util.function.Function<Optional<StoredBundle>, Optional<StoredBundle>> change);

  /** All bundles, ordered by trust domain. */
  List<StoredBundle> listBundles();

  /** Deletes a bundle; what happens to entries federating with it is {@code mode}'s choice. */
  void deleteBundle(String trustDomain, DeleteMode mode);

  // ---- CA journal

  /** Stores the CA journal blob under {@code name}, replacing any previous one. */
  void setCaJournal(String name, byte[] data);

  Optional<byte[]> fetchCaJournal(String name);

  // ---- federation relationships

  FederationRelationship createFederationRelationship(FederationRelationship relationship);

  /** Replaces an existing relationship; {@code NOT_FOUND} when absent. */
  FederationRelationship updateFederationRelationship(FederationRelationship relationship);

  Optional<FederationRelationship> fetchFederationRelationship(String trustDomain);

  List<FederationRelationship> listFederationRelationships();

  void deleteFederationRelationship(String trustDomain);

  // ---- change events

  /** Up to {@code limit} events with id greater than {@code afterId}, in id order. */
  List<ChangeEvent> listEvents(long afterId, int limit);

  /** The id of the newest committed event, 0 when there is none. */
  long latestEventId();

  /** Deletes events older than {@code before}; returns how many. Tailing caches must keep up. */
  int pruneEvents(Instant before);

  /**
   * Starts calling {@code wake} (on a thread of the store's) whenever another writer sharing the database may have
   * appended change events, so that a reader tailing the log ({@link EventTail}) reads them now rather than at its
   * next poll. A wake is a hint, never the event itself: it may come without a new event, and a wake lost (a broken
   * connection, a restart) only delays the reader until its next poll, which is why readers keep one. The default
   * never wakes: a store no other process writes (embedded H2 or SQLite) has nothing to tell.
   */
  default EventSubscription subscribeToEvents(Runnable wake) {
    return EventSubscription.NONE;
  }

  /** Whether the database answers a trivial query (for readiness checks); never throws. */
  boolean healthy();

  /** Releases the connection pool. */
  @Override
  void close();
}
