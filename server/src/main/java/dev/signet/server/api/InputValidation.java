package dev.signet.server.api;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.regex.Pattern;

/**
 * Checks on client input shared by the API services. Every failure is INVALID_ARGUMENT with a
 * lower-case message that quotes the offending value.
 */
public final class InputValidation {
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*");
  /** The datastore's column sizes for selectors ({@code entry_selectors}, {@code node_selectors}). */
  public static final int MAX_SELECTOR_TYPE_LENGTH = 255;
  public static final int MAX_SELECTOR_VALUE_LENGTH = 2048;

  private InputValidation() {}

  public static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  /** Parses an API bundle; a malformed one is INVALID_ARGUMENT naming the bad part. */
  public static dev.signet.common.bundle.Bundle bundle(dev.signet.proto.spire.api.types.Bundle proto) {
    try {
      return dev.signet.common.proto.BundleProtos.fromProto(proto);
    } catch (dev.signet.common.proto.ProtoConversionException e) {
      throw invalid(e.getMessage());
    }
  }

  /** Parses a SPIFFE ID given as trust domain + path (the API's SPIFFEID message). */
  public static SpiffeId spiffeId(String field, String trustDomain, String path) {
    if (trustDomain.isEmpty()) {
      throw invalid(field + ": trust domain is missing");
    }
    try {
      return new SpiffeId(new TrustDomain(trustDomain), path);
    } catch (InvalidSpiffeIdException e) {
      throw invalid(field + ": " + e.getMessage());
    }
  }

  /** Parses a SPIFFE ID in URI form. */
  public static SpiffeId spiffeId(String field, String uri) {
    try {
      return SpiffeId.parse(uri);
    } catch (InvalidSpiffeIdException e) {
      throw invalid(field + ": " + e.getMessage());
    }
  }

  /** Requires {@code id} to be a member of {@code trustDomain}. */
  public static SpiffeId inTrustDomain(String field, SpiffeId id, TrustDomain trustDomain) {
    if (!id.memberOf(trustDomain)) {
      throw invalid(field + ": \"" + id + "\" is not a member of trust domain \"" + trustDomain + "\"");
    }
    return id;
  }

  /**
   * Requires {@code id} to name a workload of {@code trustDomain}: a member with a non-empty path outside
   * the reserved {@code /spire} namespace (SPIRE's {@code VerifyTrustDomainWorkloadID}), so a client can
   * never register an ID that would pass for an agent or the server.
   */
  public static SpiffeId workloadId(String field, SpiffeId id, TrustDomain trustDomain) {
    inTrustDomain(field, id, trustDomain);
    if (id.isTrustDomainId()) {
      throw invalid(field + ": \"" + id + "\" is not a workload in trust domain \"" + trustDomain
          + "\"; path is empty");
    }
    if (id.path().equals("/spire") || id.path().startsWith("/spire/")) {
      throw invalid(field + ": \"" + id + "\" is not a workload in trust domain \"" + trustDomain
          + "\"; path is in the reserved namespace");
    }
    return id;
  }

  public static TrustDomain trustDomain(String field, String name) {
    try {
      return TrustDomain.parse(name);
    } catch (InvalidSpiffeIdException e) {
      throw invalid(field + ": " + e.getMessage());
    }
  }

  /**
   * A selector as SPIRE's API accepts it: a non-empty type without {@code ':'} and a non-empty value. That
   * is all SPIRE checks; any other type (upper case, spaces, a plugin we do not have) and any value shape
   * is stored as given, because selectors are opaque strings matched for equality and an entry for a
   * workload attestor this server has never heard of is legitimate. Beyond SPIRE, only the sizes are capped
   * to what the datastore columns hold, so an oversized selector is refused here, by name, instead of
   * failing inside the database.
   */
  public static Selector selector(String type, String value) {
    if (type.isEmpty()) {
      throw invalid("selector type is missing");
    }
    if (type.indexOf(':') >= 0) {
      throw invalid("selector type \"" + abbreviate(type) + "\" must not contain ':'");
    }
    if (value.isEmpty()) {
      throw invalid("selector \"" + abbreviate(type) + "\" has no value");
    }
    if (type.length() > MAX_SELECTOR_TYPE_LENGTH) {
      throw invalid("selector type \"" + abbreviate(type) + "\" is " + type.length()
          + " characters long, over the maximum of " + MAX_SELECTOR_TYPE_LENGTH);
    }
    if (value.length() > MAX_SELECTOR_VALUE_LENGTH) {
      throw invalid("selector \"" + type + ":" + abbreviate(value) + "\" value is " + value.length()
          + " characters long, over the maximum of " + MAX_SELECTOR_VALUE_LENGTH);
    }
    return new Selector(type, value);
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  /** A DNS name for an X509-SVID SAN: labels of letters, digits and hyphens, optionally a leading wildcard. */
  public static String dnsName(String name) {
    if (name.isEmpty() || name.length() > 253 || !DNS_NAME.matcher(name).matches()) {
      throw invalid("dns name \"" + name + "\" is not a valid DNS name");
    }
    return name;
  }

  /** A non-negative TTL in seconds. */
  public static int ttlSeconds(String field, long seconds) {
    if (seconds < 0 || seconds > Integer.MAX_VALUE) {
      throw invalid(field + " " + seconds + " is out of range");
    }
    return (int) seconds;
  }
}
