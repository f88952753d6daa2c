package dev.signet.ca.manager;

import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.SigningAuthority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The two-slot rotation of one authority kind (X.509 or JWT), as SPIRE runs it: the current slot holds the
 * ACTIVE authority, the next slot a PREPARED successor or the OLD predecessor. Not thread-safe: the
 * {@link CaManager} serializes calls and persists after each change.
 */
final class AuthorityRotation<T extends SigningAuthority> {
  /** What differs between X.509 and JWT authorities. */
  interface Hooks<T> {
    /** Generates the key of {@code slotId} and builds the authority. */
    T create(String slotId, Instant now);

    /** Puts the authority into the trust bundle (with its taint flag); must succeed before it can sign. */
    void publish(T authority, boolean tainted);

    /** Fails when this kind cannot be tainted or revoked locally (X.509 under an upstream authority). */
    void checkLocallyManaged(String operation);

    void taint(T authority);

    void revoke(T authority);
  }

  private final String kind;
  private final Hooks<T> hooks;
  private Slot<T> current;
  private Slot<T> next;

  AuthorityRotation(String kind, Hooks<T> hooks) {
    this.kind = kind;
    this.hooks = hooks;
  }

  T active() {
    return current == null ? null : current.authority();
  }

  List<Slot<T>> slots() {
    List<Slot<T>> slots = new ArrayList<>(2);
    if (current != null) {
      slots.add(current);
    }
    if (next != null) {
      slots.add(next);
    }
    return slots;
  }

  void restore(Slot<T> restoredCurrent, Slot<T> restoredNext) {
    current = restoredCurrent;
    next = restoredNext;
  }

  /** Publishes every held authority again (after a restart, in case the bundle store lost them). */
  void republish() {
    for (Slot<T> slot : slots()) {
      hooks.publish(slot.authority(), slot.tainted());
    }
  }

  /** Prepares and activates as the thresholds of the active authority demand; true when anything changed. */
  boolean rotate(Instant now) {
    if (current == null || !current.notAfter().isAfter(now)) {
      if (next == null || next.status() != AuthorityStatus.PREPARED || !next.notAfter().isAfter(now)) {
        prepare(now);
      }
      activate(next.authorityId());
      return true;
    }
    boolean changed = false;
    if ((next == null || next.status() == AuthorityStatus.OLD) && !now.isBefore(current.preparationThreshold())) {
      prepare(now);
      changed = true;
    }
    if (next != null && next.status() == AuthorityStatus.PREPARED && !now.isBefore(current.activationThreshold())) {
      activate(next.authorityId());
      changed = true;
    }
    return changed;
  }

  /** Generates a new authority into the next slot (replacing what it held) and publishes it. */
  Slot<T> prepare(Instant now) {
    String slotId = current != null ? other(current.slotId()) : next != null ? next.slotId() : "A";
    T authority = hooks.create(slotId, now);
    hooks.publish(authority, false);
    next = new Slot<>(slotId, AuthorityStatus.PREPARED, false, now, authority);
    return next;
  }

  /** Makes the prepared authority {@code authorityId} active; the active one becomes OLD. */
  Slot<T> activate(String authorityId) {
    requireId(authorityId);
    if (next == null || !next.authorityId().equals(authorityId)) {
      if (current != null && current.authorityId().equals(authorityId)) {
        throw new CaException(Kind.FAILED_PRECONDITION, kind + " authority \"" + authorityId + "\" is already active");
      }
      throw new CaException(Kind.NOT_FOUND, "no prepared " + kind + " authority \"" + authorityId + "\"");
    }
    if (next.status() != AuthorityStatus.PREPARED) {
      throw new CaException(Kind.FAILED_PRECONDITION, kind + " authority \"" + authorityId + "\" is " + next.status()
          + "; only a prepared authority can be activated");
    }
    Slot<T> activated = next.withStatus(AuthorityStatus.ACTIVE);
    next = current == null ? null : current.withStatus(AuthorityStatus.OLD);
    current = activated;
    return activated;
  }

  /** Taints the OLD authority {@code authorityId}, so that everything it signed gets replaced. */
  Slot<T> taint(String authorityId) {
    Slot<T> old = requireOld(authorityId, "tainted");
    if (old.tainted()) {
      throw new CaException(Kind.FAILED_PRECONDITION, kind + " authority \"" + authorityId + "\" is already tainted");
    }
    hooks.taint(old.authority());
    next = old.withTaint();
    return next;
  }

  /** Removes the tainted OLD authority {@code authorityId} from the bundle and from its slot. */
  Slot<T> revoke(String authorityId) {
    Slot<T> old = requireOld(authorityId, "revoked");
    if (!old.tainted()) {
      throw new CaException(Kind.FAILED_PRECONDITION, kind + " authority \"" + authorityId
          + "\" is not tainted; only a tainted authority can be revoked");
    }
    hooks.revoke(old.authority());
    next = null;
    return old;
  }

  private Slot<T> requireOld(String authorityId, String operation) {
    requireId(authorityId);
    hooks.checkLocallyManaged(operation);
    if (current != null && current.authorityId().equals(authorityId)) {
      throw new CaException(Kind.FAILED_PRECONDITION, "the active " + kind + " authority \"" + authorityId
          + "\" cannot be " + operation);
    }
    if (next == null || !next.authorityId().equals(authorityId)) {
      throw new CaException(Kind.NOT_FOUND, "no " + kind + " authority \"" + authorityId + "\"");
    }
    if (next.status() != AuthorityStatus.OLD) {
      throw new CaException(Kind.FAILED_PRECONDITION, kind + " authority \"" + authorityId + "\" is " + next.status()
          + "; only an old authority can be " + operation);
    }
    return next;
  }

  private void requireId(String authorityId) {
    if (authorityId == null || authorityId.isEmpty()) {
      throw new CaException(Kind.INVALID_ARGUMENT, kind + " authority id is missing");
    }
  }

  private static String other(String slotId) {
    return slotId.equals("A") ? "B" : "A";
  }
}
