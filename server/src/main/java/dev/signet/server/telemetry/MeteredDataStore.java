package dev.signet.server.telemetry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.telemetry.Metrics;
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
import dev.signet.server.api.ApiErrors;
import io.grpc.Status;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link DataStore} whose every call is SPIRE's datastore call counter ({@code datastore_<table>_<op>{status}}
 * and its elapsed time): {@code registration_entry}, {@code node}, {@code node_selectors}, {@code join_token},
 * {@code bundle}, and Signet's {@code ca_journal}, {@code federation_relationship} and {@code event} (SPIRE has
 * separate entry and node event tables). A failure is labelled with the gRPC status the API answers it with
 * ({@link ApiErrors#fromDataStore}: a missing record is {@code NotFound}).
 */
public final class MeteredDataStore implements DataStore {
  /** Every call counter below, exported at 0 from the start (see {@link Metrics#declareCall}). */
  static final List<String> KEYS = List.of(
      "registration_entry_create",
      "registration_entry_fetch",
      "registration_entry_update",
      "registration_entry_delete",
      "registration_entry_list",
      "registration_entry_count",
      "registration_entry_prune",
      "node_create",
      "node_fetch",
      "node_list",
      "node_count",
      "node_update",
      "node_delete",
      "node_selectors_set",
      "node_selectors_fetch",
      "join_token_create",
      "join_token_delete",
      "join_token_prune",
      "bundle_create",
      "bundle_set",
      "bundle_fetch",
      "bundle_update",
      "bundle_list",
      "bundle_delete",
      "ca_journal_set",
      "ca_journal_fetch",
      "federation_relationship_create",
      "federation_relationship_update",
      "federation_relationship_fetch",
      "federation_relationship_list",
      "federation_relationship_delete",
      "event_list",
      "event_fetch",
      "event_prune");

  private final DataStore delegate;
  private final Metrics metrics;

  public MeteredDataStore(DataStore delegate, Metrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
    KEYS.forEach(key -> metrics.declareCall("datastore_" + key));
  }

  /** {@code store} counted in {@code metrics}, or {@code store} itself when nothing is measured. */
  public static DataStore of(DataStore store, Metrics metrics) {
    return metrics.enabled() ? new MeteredDataStore(store, metrics) : store;
  }

  private <T> T call(String key, Supplier<T> body) {
    assert KEYS.contains(key) : key;
    long start = System.nanoTime();
    Status.Code status = Status.Code.UNKNOWN;
    try {
      T result = body.get();
      status = Status.Code.OK;
      return result;
    } catch (DataStoreException e) {
      status = ApiErrors.fromDataStore(e).getStatus().getCode(); // the code the API answers with
      throw e;
    } catch (RuntimeException e) {
      status = Status.fromThrowable(e).getCode();
      throw e;
    } finally {
      metrics.call("datastore_" + key, status, System.nanoTime() - start);
    }
  }

  private void run(String key, Runnable body) {
    call(key, () -> {
      body.run();
      return null;
    });
  }

  @Override
  public RegistrationEntry createEntry(RegistrationEntry entry) {
    return call("registration_entry_create", () -> delegate.createEntry(entry));
  }

  @Override
  public List<ItemOutcome<RegistrationEntry>> createEntries(List<RegistrationEntry> entries) {
    return call("registration_entry_create", () -> delegate.createEntries(entries));
  }

  @Override
  public Optional<RegistrationEntry> fetchEntry(String entryId) {
    return call("registration_entry_fetch", () -> delegate.fetchEntry(entryId));
  }

  @Override
  public List<RegistrationEntry> fetchEntries(Collection<String> entryIds) {
    return call("registration_entry_fetch", () -> delegate.fetchEntries(entryIds));
  }

  @Override
  public RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask) {
    return call("registration_entry_update", () -> delegate.updateEntry(entry, mask));
  }

  @Override
  public RegistrationEntry updateEntry(RegistrationEntry entry, Set<String> mask, long expectedRevision) {
    return call("registration_entry_update", () -> delegate.updateEntry(entry, mask, expectedRevision));
  }

  @Override
  public RegistrationEntry deleteEntry(String entryId) {
    return call("registration_entry_delete", () -> delegate.deleteEntry(entryId));
  }

  @Override
  public Page<RegistrationEntry> listEntries(EntryFilter filter, String pageToken, int pageSize) {
    return call("registration_entry_list", () -> delegate.listEntries(filter, pageToken, pageSize));
  }

  @Override
  public long countEntries(EntryFilter filter) {
    return call("registration_entry_count", () -> delegate.countEntries(filter));
  }

  @Override
  public List<RegistrationEntry> listAllEntries() {
    return call("registration_entry_list", delegate::listAllEntries);
  }

  @Override
  public int pruneEntries(Instant expiredBefore) {
    return call("registration_entry_prune", () -> delegate.pruneEntries(expiredBefore));
  }

  @Override
  public AttestedNode createAttestedNode(AttestedNode node) {
    return call("node_create", () -> delegate.createAttestedNode(node));
  }

  @Override
  public Optional<AttestedNode> fetchAttestedNode(SpiffeId spiffeId) {
    return call("node_fetch", () -> delegate.fetchAttestedNode(spiffeId));
  }

  @Override
  public Page<AttestedNode> listAttestedNodes(NodeFilter filter, String pageToken, int pageSize) {
    return call("node_list", () -> delegate.listAttestedNodes(filter, pageToken, pageSize));
  }

  @Override
  public long countAttestedNodes(NodeFilter filter) {
    return call("node_count", () -> delegate.countAttestedNodes(filter));
  }

  @Override
  public AttestedNode updateNodeSerials(SpiffeId spiffeId, String certSerialNumber, Instant certNotAfter,
      String newCertSerialNumber, Instant newCertNotAfter) {
    return call("node_update", () -> delegate.updateNodeSerials(spiffeId, certSerialNumber, certNotAfter,
        newCertSerialNumber, newCertNotAfter));
  }

  @Override
  public AttestedNode banNode(SpiffeId spiffeId) {
    return call("node_update", () -> delegate.banNode(spiffeId));
  }

  @Override
  public AttestedNode setAgentVersion(SpiffeId spiffeId, String agentVersion) {
    return call("node_update", () -> delegate.setAgentVersion(spiffeId, agentVersion));
  }

  @Override
  public AttestedNode deleteNode(SpiffeId spiffeId) {
    return call("node_delete", () -> delegate.deleteNode(spiffeId));
  }

  @Override
  public void setNodeSelectors(SpiffeId spiffeId, List<Selector> selectors) {
    run("node_selectors_set", () -> delegate.setNodeSelectors(spiffeId, selectors));
  }

  @Override
  public List<Selector> getNodeSelectors(SpiffeId spiffeId) {
    return call("node_selectors_fetch", () -> delegate.getNodeSelectors(spiffeId));
  }

  @Override
  public void createJoinToken(JoinToken token) {
    run("join_token_create", () -> delegate.createJoinToken(token));
  }

  @Override
  public Optional<Instant> consumeJoinToken(String token) {
    return call("join_token_delete", () -> delegate.consumeJoinToken(token));
  }

  @Override
  public int pruneJoinTokens(Instant expiredBefore) {
    return call("join_token_prune", () -> delegate.pruneJoinTokens(expiredBefore));
  }

  @Override
  public StoredBundle createBundle(StoredBundle bundle) {
    return call("bundle_create", () -> delegate.createBundle(bundle));
  }

  @Override
  public StoredBundle setBundle(StoredBundle bundle) {
    return call("bundle_set", () -> delegate.setBundle(bundle));
  }

  @Override
  public Optional<StoredBundle> fetchBundle(String trustDomain) {
    return call("bundle_fetch", () -> delegate.fetchBundle(trustDomain));
  }

  @Override
  public Optional<StoredBundle> updateBundle(String trustDomain,
      java.util.function.Function<Optional<StoredBundle>, Optional<StoredBundle>> change) {
    return call("bundle_update", () -> delegate.updateBundle(trustDomain, change));
  }

  @Override
  public List<StoredBundle> listBundles() {
    return call("bundle_list", delegate::listBundles);
  }

  @Override
  public void deleteBundle(String trustDomain, DeleteMode mode) {
    run("bundle_delete", () -> delegate.deleteBundle(trustDomain, mode));
  }

  @Override
  public void setCaJournal(String name, byte[] data) {
    run("ca_journal_set", () -> delegate.setCaJournal(name, data));
  }

  @Override
  public Optional<byte[]> fetchCaJournal(String name) {
    return call("ca_journal_fetch", () -> delegate.fetchCaJournal(name));
  }

  @Override
  public FederationRelationship createFederationRelationship(FederationRelationship relationship) {
    return call("federation_relationship_create", () -> delegate.createFederationRelationship(relationship));
  }

  @Override
  public FederationRelationship updateFederationRelationship(FederationRelationship relationship) {
    return call("federation_relationship_update", () -> delegate.updateFederationRelationship(relationship));
  }

  @Override
  public Optional<FederationRelationship> fetchFederationRelationship(String trustDomain) {
    return call("federation_relationship_fetch", () -> delegate.fetchFederationRelationship(trustDomain));
  }

  @Override
  public List<FederationRelationship> listFederationRelationships() {
    return call("federation_relationship_list", delegate::listFederationRelationships);
  }

  @Override
  public void deleteFederationRelationship(String trustDomain) {
    run("federation_relationship_delete", () -> delegate.deleteFederationRelationship(trustDomain));
  }

  @Override
  public List<ChangeEvent> listEvents(long afterId, int limit) {
    return call("event_list", () -> delegate.listEvents(afterId, limit));
  }

  @Override
  public long latestEventId() {
    return call("event_fetch", delegate::latestEventId);
  }

  @Override
  public int pruneEvents(Instant before) {
    return call("event_prune", () -> delegate.pruneEvents(before));
  }

  /** Not counted: a subscription, not a call; the reads it causes are. */
  @Override
  public EventSubscription subscribeToEvents(Runnable wake) {
    return delegate.subscribeToEvents(wake);
  }

  /** Not counted: the readiness probe, asked at every poll. */
  @Override
  public boolean healthy() {
    return delegate.healthy();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
