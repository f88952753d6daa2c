package dev.signet.server.api;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks on client input shared by the API services. Every failure is INVALID_ARGUMENT with a
 * lower-case message that quotes the offending value.
 */
public final class InputValidation {
  private static final Pattern SELECTOR_TYPE = Pattern.compile("[a-z0-9][a-z0-9_\\-]*");
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*");
  private static final int MAX_SELECTOR_LENGTH = 1024;

  /** Selector keys of the built-in workload attestors whose format we know; other types pass through. */
  private static final Map<String, Set<String>> KNOWN_SELECTOR_KEYS = Map.of(
      "unix", Set.of("uid", "user", "gid", "group", "supplementary_gid", "supplementary_group", "path", "sha256"));

  private InputValidation() {}

  public static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  /** Parses a SPIFFE ID given as trust domain + path (the API's SPIFFEID message). */
  /** Parses an API bundle; a malformed one is INVALID_ARGUMENT naming the bad part. */
  public static dev.signet.common.bundle.Bundle bundle(dev.signet.proto.spire.api.types.Bundle proto) {
    try {
      return dev.signet.common.proto.BundleProtos.fromProto(proto);
    } catch (dev.signet.common.proto.ProtoConversionException e) {
      throw invalid(e.getMessage());
    }
  }

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

  /** A selector with a well-formed type and, for the built-in attestors, a known key and value shape. */
  public static Selector selector(String type, String value) {
    if (type.isEmpty()) {
      throw invalid("selector type is missing");
    }
    if (!SELECTOR_TYPE.matcher(type).matches()) {
      throw invalid("selector type \"" + type + "\" is not a valid plugin name");
    }
    if (value.isEmpty()) {
      throw invalid("selector \"" + type + "\" has no value");
    }
    if (type.length() + value.length() > MAX_SELECTOR_LENGTH) {
      throw invalid("selector \"" + type + ":" + value.substring(0, 32) + "…\" is too long");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw invalid("selector \"" + type + "\" value contains control characters");
    }
    Set<String> keys = KNOWN_SELECTOR_KEYS.get(type);
    if (keys != null) {
      checkKnownFormat(type, value, keys);
    }
    return new Selector(type, value);
  }

  private static void checkKnownFormat(String type, String value, Set<String> keys) {
    int colon = value.indexOf(':');
    String key = colon < 0 ? value : value.substring(0, colon);
    if (colon < 0 || colon == value.length() - 1 || !keys.contains(key)) {
      throw invalid("selector \"" + type + ":" + value + "\" has an unknown format (expected " + type
          + ":<key>:<value> with key one of " + keys.stream().sorted().toList() + ")");
    }
    String rest = value.substring(colon + 1);
    boolean numeric = key.equals("uid") || key.equals("gid") || key.equals("supplementary_gid");
    if (numeric && !rest.matches("[0-9]{1,10}")) {
      throw invalid("selector \"" + type + ":" + value + "\": " + key + " must be a number");
    }
    if (key.equals("sha256") && !rest.matches("[0-9a-f]{64}")) {
      throw invalid("selector \"" + type + ":" + value + "\": sha256 must be 64 lower-case hex digits");
    }
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
