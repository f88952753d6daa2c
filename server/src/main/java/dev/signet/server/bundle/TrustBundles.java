package dev.signet.server.bundle;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.StoredBundle;
import dev.signet.common.proto.BundleProtos;
import dev.signet.server.api.InputValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The server's view of all trust bundles (its own and federated ones), persisted in the datastore as
 * {@code spire.api.types.Bundle} bytes and cached as an immutable snapshot that TLS verification reads
 * on every handshake. Every change of a stored bundle bumps its sequence number and notifies listeners. As
 * in SPIRE, a bundle stored for the first time starts at 0 (so a fresh server's bundle is at 1 once it holds
 * its first X.509 and JWT authorities) and a bundle an administrator sets wholesale keeps the sequence
 * number it came with (0 for a PEM bundle set by {@code bundle set}).
 */
public final class TrustBundles implements BundleSource {
  private final DataStore dataStore;
  private final TrustDomain ownDomain;
  private final AtomicReference<Map<TrustDomain, Bundle>> snapshot = new AtomicReference<>(Map.of());
  private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();

  public TrustBundles(DataStore dataStore, TrustDomain ownDomain) {
    this.dataStore = dataStore;
    this.ownDomain = ownDomain;
    reload();
  }

  /** Re-reads every bundle from the datastore. */
  public void reload() {
    snapshot.set(dataStore.listBundles().stream().map(TrustBundles::decode)
        .collect(Collectors.toUnmodifiableMap(Bundle::trustDomain, b -> b)));
  }

  /**
   * Re-reads every bundle after another server sharing the database changed some, and tells the listeners
   * about each bundle that differs (so this server's agents hear of another server's new CA at once).
   */
  public synchronized void reloadChanged() {
    Map<TrustDomain, Bundle> before = snapshot.get();
    reload();
    snapshot.get().values().stream().filter(b -> !b.equals(before.get(b.trustDomain())))
        .forEach(b -> listeners.forEach(listener -> listener.accept(b)));
  }

  @Override
  public Optional<Bundle> bundleFor(TrustDomain trustDomain) {
    return Optional.ofNullable(snapshot.get().get(trustDomain));
  }

  /** Our own trust domain's bundle (empty before the CA has published anything). */
  public Bundle own() {
    return bundleFor(ownDomain).orElse(Bundle.empty(ownDomain));
  }

  /** All bundles except our own. */
  public List<Bundle> federated() {
    List<Bundle> result = new ArrayList<>();
    snapshot.get().values().stream().filter(b -> !b.trustDomain().equals(ownDomain)).forEach(result::add);
    return result;
  }

  /** Applies {@code change} to our own bundle, stores it with the next sequence number, and notifies. */
  public synchronized Bundle updateOwn(UnaryOperator<Bundle> change) {
    return update(ownDomain, change);
  }

  /**
   * Applies {@code change} to a bundle, stores it with the next sequence number, and notifies; a bundle
   * that did not exist is stored at sequence number 0. The read, the change and the write are one datastore
   * transaction with the bundle's row locked ({@link DataStore#updateBundle}), so servers sharing a database
   * that each add their own CA at the same moment never drop one another's.
   */
  public synchronized Bundle update(TrustDomain trustDomain, UnaryOperator<Bundle> change) {
    AtomicReference<Bundle> result = new AtomicReference<>();
    AtomicBoolean changed = new AtomicBoolean();
    dataStore.updateBundle(trustDomain.name(), stored -> {
      Bundle current = stored.map(TrustBundles::decode).orElse(Bundle.empty(trustDomain));
      Bundle next = change.apply(current);
      changed.set(!next.equals(current));
      if (!changed.get()) {
        result.set(current);
        return Optional.empty();
      }
      result.set(next.withSequenceNumber(stored.isPresent() ? current.sequenceNumber() + 1 : 0));
      return Optional.of(encode(result.get()));
    });
    if (changed.get()) {
      reload();
      listeners.forEach(listener -> listener.accept(result.get()));
    }
    return result.get();
  }

  /** Stores {@code bundle} as it is, sequence number included (an administrator's {@code bundle set}), and notifies. */
  public synchronized Bundle replace(Bundle bundle) {
    Optional<Bundle> stored = dataStore.fetchBundle(bundle.trustDomain().name()).map(TrustBundles::decode);
    return stored.filter(bundle::equals).orElseGet(() -> store(bundle));
  }

  private Bundle store(Bundle next) {
    dataStore.setBundle(encode(next));
    reload();
    listeners.forEach(listener -> listener.accept(next));
    return next;
  }

  /** Called after every stored change of any bundle. */
  public void addListener(Consumer<Bundle> listener) {
    listeners.add(listener);
  }

  public static StoredBundle encode(Bundle bundle) {
    return new StoredBundle(bundle.trustDomain().name(), BundleProtos.toProto(bundle).toByteArray());
  }

  public static Bundle decode(StoredBundle stored) {
    try {
      return InputValidation.bundle(dev.signet.proto.spire.api.types.Bundle.parseFrom(stored.data()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored bundle of \"" + stored.trustDomain() + "\" is corrupt", e);
    }
  }
}
