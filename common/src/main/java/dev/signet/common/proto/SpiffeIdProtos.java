package dev.signet.common.proto;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.types.SPIFFEID;

/** Converts SPIFFE IDs between {@code spire.api.types.SPIFFEID} ({trust_domain, path}) and {@link SpiffeId}. */
public final class SpiffeIdProtos {
  private SpiffeIdProtos() {}

  public static SPIFFEID toProto(SpiffeId id) {
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }

  /**
   * Parses an API SPIFFE ID by the SPIFFE-ID rules.
   *
   * @param field the request field, quoted in the error
   */
  public static SpiffeId fromProto(String field, SPIFFEID id) {
    if (id.getTrustDomain().isEmpty()) {
      throw new ProtoConversionException(field + ": trust domain is missing");
    }
    if (!id.getPath().isEmpty() && !id.getPath().startsWith("/")) {
      throw new ProtoConversionException(field + ": path \"" + id.getPath() + "\" must start with '/'");
    }
    try {
      return SpiffeId.parse(SpiffeId.SCHEME_PREFIX + id.getTrustDomain() + id.getPath());
    } catch (InvalidSpiffeIdException e) {
      throw new ProtoConversionException(field + ": " + e.getMessage());
    }
  }

  /** Parses a trust domain name as the API carries it. */
  public static TrustDomain trustDomain(String field, String name) {
    try {
      return TrustDomain.parse(name);
    } catch (InvalidSpiffeIdException e) {
      throw new ProtoConversionException(field + ": " + e.getMessage());
    }
  }
}
