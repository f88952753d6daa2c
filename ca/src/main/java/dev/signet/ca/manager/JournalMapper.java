package dev.signet.ca.manager;

import dev.signet.ca.CaException;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.keymanager.ManagedKey;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.common.bundle.DerCodec;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns slots into journal entries and back. On load, each entry's key is fetched from the key manager by
 * slot and must match the recorded public key; an entry whose key is gone (a memory key manager after a
 * restart) or was replaced (a crash between generating a key and saving the journal) is dropped with a
 * warning, and rotation will prepare a new authority in its place.
 */
final class JournalMapper {
  private static final Logger LOG = LoggerFactory.getLogger(JournalMapper.class);
  private final KeyManager keyManager;

  JournalMapper(KeyManager keyManager) {
    this.keyManager = keyManager;
  }

  static List<JournalEntry> entries(List<Slot<X509SigningAuthority>> x509, List<Slot<JwtSigningAuthority>> jwt) {
    List<JournalEntry> entries = new ArrayList<>();
    for (Slot<X509SigningAuthority> slot : x509) {
      X509SigningAuthority a = slot.authority();
      List<String> certificates = new ArrayList<>();
      certificates.add(base64(a.certificate()));
      a.upstreamChain().forEach(c -> certificates.add(base64(c)));
      entries.add(new JournalEntry(JournalEntry.X509, slot.slotId(), slot.status(), slot.tainted(), slot.issuedAt(),
          certificates, a.isSelfSigned(), null, null, null));
    }
    for (Slot<JwtSigningAuthority> slot : jwt) {
      entries.add(new JournalEntry(JournalEntry.JWT, slot.slotId(), slot.status(), slot.tainted(), slot.issuedAt(),
          List.of(), false, slot.authority().keyId(), slot.authority().notAfter(),
          Base64.getEncoder().encodeToString(slot.authority().publicKey().getEncoded())));
    }
    return entries;
  }

  Optional<Slot<X509SigningAuthority>> x509Slot(JournalEntry entry) {
    return key(X509Hooks.keyId(entry.slotId()), entry).flatMap(key -> {
      List<X509Certificate> chain = entry.certificates().stream()
          .map(c -> DerCodec.parseCertificate(Base64.getDecoder().decode(c))).toList();
      if (chain.isEmpty() || !matches(key, chain.getFirst().getPublicKey().getEncoded(), entry)) {
        return Optional.empty();
      }
      X509SigningAuthority authority = entry.selfSigned()
          ? X509SigningAuthority.selfSigned(chain.getFirst(), key.privateKey())
          : X509SigningAuthority.upstreamSigned(chain.getFirst(), key.privateKey(), chain.subList(1, chain.size()));
      return Optional.of(new Slot<>(entry.slotId(), entry.status(), entry.tainted(), entry.issuedAt(), authority));
    });
  }

  Optional<Slot<JwtSigningAuthority>> jwtSlot(JournalEntry entry) {
    return key(JwtHooks.keyId(entry.slotId()), entry)
        .filter(key -> entry.publicKey() != null
            && matches(key, Base64.getDecoder().decode(entry.publicKey()), entry))
        .map(key -> new Slot<>(entry.slotId(), entry.status(), entry.tainted(), entry.issuedAt(),
            new JwtSigningAuthority(entry.keyId(), key.keyPair(), entry.notAfter())));
  }

  private Optional<ManagedKey> key(String keyId, JournalEntry entry) {
    Optional<ManagedKey> key = keyManager.getKey(keyId);
    if (key.isEmpty()) {
      LOG.warn("dropping {} authority in slot {} from the ca journal: key manager \"{}\" has no key \"{}\"",
          entry.kind(), entry.slotId(), keyManager.name(), keyId);
    }
    return key;
  }

  private static boolean matches(ManagedKey key, byte[] recordedPublicKey, JournalEntry entry) {
    if (!Arrays.equals(key.publicKey().getEncoded(), recordedPublicKey)) {
      LOG.warn("dropping {} authority in slot {} from the ca journal: key \"{}\" was replaced", entry.kind(),
          entry.slotId(), key.id());
      return false;
    }
    try {
      CredentialValidator.validateKeyPair(key.publicKey(), key.privateKey());
      return true;
    } catch (CaException e) {
      LOG.warn("dropping {} authority in slot {} from the ca journal: {}", entry.kind(), entry.slotId(), e.getMessage());
      return false;
    }
  }

  private static String base64(X509Certificate certificate) {
    return Base64.getEncoder().encodeToString(DerCodec.encoded(certificate));
  }
}
