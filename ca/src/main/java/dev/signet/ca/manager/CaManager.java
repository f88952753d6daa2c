package dev.signet.ca.manager;

import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.SigningAuthority;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.ca.x509.DownstreamCaSigner;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server CA: keeps an ACTIVE X.509 CA and JWT key, prepares successors and activates them on SPIRE's
 * schedule ({@link #rotate()}), and serves SPIRE's LocalAuthority operations (prepare, activate, taint,
 * revoke). Every prepared authority is put in the trust bundle before it can become active, so verifiers
 * trust it before they meet credentials it signed.
 *
 * <p>Every change is saved to the {@link JournalStore} before it is visible; a failed save rolls the change
 * back. Keys live in the {@link KeyManager}; with a persistent key manager and journal, a restart (or a crash
 * at any point) resumes with the same authorities and keys. Reads of the current authorities are lock-free.
 */
public final class CaManager {
  private final CaConfig config;
  private final UpstreamAuthority upstream;
  private final BundleStore bundles;
  private final Clock clock;
  private final JournalStore journal;
  private final JournalMapper mapper;
  private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();
  private final AuthorityRotation<X509SigningAuthority> x509;
  private final AuthorityRotation<JwtSigningAuthority> jwt;
  private volatile X509SigningAuthority currentX509;
  private volatile JwtSigningAuthority currentJwt;
  private Bundle lastBundle;

  /**
   * Loads the journal (dropping entries whose keys are gone) and re-publishes the loaded authorities. Call
   * {@link #rotate()} to create the first authorities.
   *
   * @param upstream the upstream authority, or {@code null} for a self-signed CA
   */
  public CaManager(CaConfig config, KeyManager keyManager, UpstreamAuthority upstream, JournalStore journal,
      BundleStore bundles, Clock clock) {
    this.config = Objects.requireNonNull(config, "ca config is missing");
    this.clock = Objects.requireNonNull(clock, "ca clock is missing");
    this.journal = Objects.requireNonNull(journal, "ca journal store is missing");
    this.mapper = new JournalMapper(Objects.requireNonNull(keyManager, "ca key manager is missing"));
    this.bundles = Objects.requireNonNull(bundles, "ca bundle store is missing");
    this.upstream = upstream;
    this.x509 = new AuthorityRotation<>("x509", new X509Hooks(config, keyManager, upstream, bundles, this::notify));
    this.jwt = new AuthorityRotation<>("jwt", new JwtHooks(config, keyManager, upstream, bundles, this::notify));
    synchronized (this) {
      load();
    }
    if (upstream != null) {
      upstream.watchBundle(this::upstreamBundleChanged);
    }
  }

  /** The upstream's bundle changed (a new or tainted root, a sibling's JWT key): ours takes its authorities. */
  private synchronized void upstreamBundleChanged(Bundle upstreamBundle) {
    if (!upstreamBundle.trustDomain().equals(config.trustDomain())) {
      throw new CaException(Kind.INVALID_ARGUMENT, "upstream bundle is for \"" + upstreamBundle.trustDomain()
          + "\", not \"" + config.trustDomain() + "\"");
    }
    notify(bundles.update(own -> UpstreamBundles.merge(own, upstreamBundle)));
  }

  /**
   * Takes a downstream server's JWT key (SPIRE's {@code PublishJWTAuthority}): forwarded to our own upstream when
   * it takes JWT keys (the whole trust domain then shares them), and added to our bundle either way. Returns
   * the JWT authorities the caller should trust: the upstream's answer, else our bundle's.
   *
   * @throws IllegalArgumentException when our bundle holds a different key under the same key ID
   */
  public synchronized List<JwtAuthority> publishJwtAuthority(JwtAuthority key) {
    Optional<List<JwtAuthority>> upstreamKeys = upstream == null ? Optional.empty()
        : upstream.publishJwtAuthority(key);
    Bundle updated = bundles.update(own -> {
      Bundle withKey = own.findJwtAuthority(key.keyId()).map(key::equals).orElse(false) ? own
          : own.withJwtAuthority(key);
      return upstreamKeys.map(keys -> UpstreamBundles.withJwtAuthorities(withKey, keys)).orElse(withKey);
    });
    notify(updated);
    return upstreamKeys.orElse(updated.jwtAuthorities());
  }

  /** Receives the CA's own bundle after every change the CA makes to it. */
  public void addBundleListener(Consumer<Bundle> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** The active X.509 CA, or {@code null} before the first {@link #rotate()}. */
  public X509SigningAuthority currentX509Authority() {
    return currentX509;
  }

  /** The active JWT key, or {@code null} before the first {@link #rotate()}. */
  public JwtSigningAuthority currentJwtAuthority() {
    return currentJwt;
  }

  /**
   * Signs a downstream server's intermediate CA with the active X.509 authority (SPIRE's
   * {@code NewDownstreamX509CA}): the CA certificate first, then the chain up to, excluding, the roots.
   * Authorizing the caller is the API's job; this only signs.
   *
   * @param ttl the lifetime the downstream prefers; zero means {@code ca_ttl}; capped at the active CA's expiry
   */
  public List<X509Certificate> signDownstreamX509Ca(PublicKey publicKey, Duration ttl) {
    X509SigningAuthority issuer = currentX509;
    if (issuer == null) {
      throw new CaException(Kind.UNAVAILABLE, "no active x509 authority to sign a downstream ca");
    }
    if (ttl.isNegative()) {
      throw new CaException(Kind.INVALID_ARGUMENT, "downstream ca ttl " + ttl + " is negative");
    }
    return DownstreamCaSigner.sign(issuer, publicKey, config.trustDomain(), config.caSubject(),
        ttl.isZero() ? config.caTtl() : ttl, clock.instant());
  }

  /** {@link #rotate(Instant)} at the clock's time. */
  public boolean rotate() {
    return rotate(clock.instant());
  }

  /** Creates, prepares and activates authorities as due at {@code now}; true when anything changed. */
  public synchronized boolean rotate(Instant now) {
    return change(() -> x509.rotate(now) | jwt.rotate(now));
  }

  public synchronized List<AuthorityState> x509AuthorityStates() {
    return x509.slots().stream().map(Slot::state).toList();
  }

  public synchronized List<AuthorityState> jwtAuthorityStates() {
    return jwt.slots().stream().map(Slot::state).toList();
  }

  /** Prepares a new X.509 CA now (replacing a prepared or old one) and publishes it. */
  public synchronized AuthorityState prepareX509Authority() {
    return change(() -> x509.prepare(clock.instant()).state());
  }

  /**
   * Prepares a new X.509 CA and activates it in one step under the manager's lock, with one journal write:
   * a scheduled rotation cannot land between the two (a forced rotation).
   */
  public synchronized AuthorityState prepareAndActivateX509Authority() {
    return change(() -> x509.activate(x509.prepare(clock.instant()).state().authorityId()).state());
  }

  /** Activates the prepared X.509 CA {@code authorityId}; the active one becomes OLD. */
  public synchronized AuthorityState activateX509Authority(String authorityId) {
    return change(() -> x509.activate(authorityId).state());
  }

  /** Taints the OLD X.509 CA {@code authorityId}; refused for the active or a prepared one. */
  public synchronized AuthorityState taintX509Authority(String authorityId) {
    return change(() -> x509.taint(authorityId).state());
  }

  /** Removes the tainted OLD X.509 CA {@code authorityId} from the bundle; refused unless tainted. */
  public synchronized AuthorityState revokeX509Authority(String authorityId) {
    return change(() -> x509.revoke(authorityId).state());
  }

  public synchronized AuthorityState prepareJwtAuthority() {
    return change(() -> jwt.prepare(clock.instant()).state());
  }

  public synchronized AuthorityState activateJwtAuthority(String authorityId) {
    return change(() -> jwt.activate(authorityId).state());
  }

  public synchronized AuthorityState taintJwtAuthority(String authorityId) {
    return change(() -> jwt.taint(authorityId).state());
  }

  public synchronized AuthorityState revokeJwtAuthority(String authorityId) {
    return change(() -> jwt.revoke(authorityId).state());
  }

  /** Runs a mutation, saves the journal, and publishes the new current authorities; rolls back on failure. */
  private <R> R change(Supplier<R> mutation) {
    var x509Before = x509.slots();
    var jwtBefore = jwt.slots();
    try {
      R result = mutation.get();
      journal.save(JournalCodec.encode(JournalMapper.entries(x509.slots(), jwt.slots())));
      currentX509 = x509.active();
      currentJwt = jwt.active();
      AuthorityChangeLog.log("x509", x509Before, x509.slots());
      AuthorityChangeLog.log("jwt", jwtBefore, jwt.slots());
      return result;
    } catch (RuntimeException e) {
      restore(x509, x509Before);
      restore(jwt, jwtBefore);
      if (e instanceof CaException) {
        throw e;
      }
      Kind kind = e instanceof UncheckedIOException ? Kind.UNAVAILABLE : Kind.INTERNAL;
      throw new CaException(kind, "ca change rolled back: " + e.getMessage(), e);
    }
  }

  private void load() {
    List<JournalEntry> entries = journal.load().map(JournalCodec::decode).orElse(List.of());
    List<Slot<X509SigningAuthority>> x509Slots = entries.stream().filter(e -> e.kind().equals(JournalEntry.X509))
        .flatMap(e -> mapper.x509Slot(e).stream()).toList();
    List<Slot<JwtSigningAuthority>> jwtSlots = entries.stream().filter(e -> e.kind().equals(JournalEntry.JWT))
        .flatMap(e -> mapper.jwtSlot(e).stream()).toList();
    restore(x509, x509Slots);
    restore(jwt, jwtSlots);
    x509.republish();
    jwt.republish();
    currentX509 = x509.active();
    currentJwt = jwt.active();
  }

  private static <T extends SigningAuthority> void restore(AuthorityRotation<T> rotation,
      List<Slot<T>> slots) {
    Slot<T> current = slots.stream().filter(s -> s.status() == AuthorityStatus.ACTIVE).findFirst().orElse(null);
    Slot<T> next = slots.stream().filter(s -> s.status() != AuthorityStatus.ACTIVE).findFirst().orElse(null);
    rotation.restore(current, next);
  }

  private void notify(Bundle bundle) {
    if (bundle.equals(lastBundle)) {
      return;
    }
    lastBundle = bundle;
    listeners.forEach(listener -> listener.accept(bundle));
  }
}
