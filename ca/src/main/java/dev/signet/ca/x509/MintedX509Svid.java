package dev.signet.ca.x509;

import dev.signet.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * An X509-SVID as {@link X509SvidMinter} wrote it: its DER and the fields the issuance path needs (ID, serial,
 * expiry), known from what was encoded, so that the certificate is not parsed back on every issuance. The
 * JDK's parse of a fresh certificate costs about as much as the rest of the Java around the two signatures;
 * {@link #certificate()} parses on demand for callers that need a certificate object.
 *
 * <p>Security decision: that what is encoded matches the SPIFFE profile is proven once per authority by
 * {@link CredentialValidator#validateMinting} (a parsed, fully validated SVID whose signature a second
 * provider verifies) and by the encoder's tests, not by re-parsing each SVID.
 */
public final class MintedX509Svid {
  private final byte[] der;
  private final SpiffeId id;
  private final BigInteger serialNumber;
  private final Instant notAfter;

  /** Fields as encoded in {@code der}; the caller guarantees they match. */
  MintedX509Svid(byte[] der, SpiffeId id, BigInteger serialNumber, Instant notAfter) {
    this.der = Objects.requireNonNull(der, "minted x509-svid der is missing");
    this.id = Objects.requireNonNull(id, "minted x509-svid id is missing");
    this.serialNumber = Objects.requireNonNull(serialNumber, "minted x509-svid serial is missing");
    this.notAfter = Objects.requireNonNull(notAfter, "minted x509-svid expiry is missing");
  }

  /** The certificate's DER (a copy). */
  public byte[] der() {
    return der.clone();
  }

  public SpiffeId id() {
    return id;
  }

  public BigInteger serialNumber() {
    return serialNumber;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** The certificate parsed by the JDK (a new parse on each call). */
  public X509Certificate certificate() {
    return Certificates.parse(der);
  }

  @Override
  public String toString() {
    return "MintedX509Svid[id=" + id + ", serial=" + serialNumber.toString(16) + ", notAfter=" + notAfter + "]";
  }
}
