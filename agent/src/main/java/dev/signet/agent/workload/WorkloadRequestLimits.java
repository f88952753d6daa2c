package dev.signet.agent.workload;

import dev.signet.common.spiffe.SpiffeId;
import io.grpc.Status;
import io.grpc.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bounds on what one Workload API (or delegated identity) request may carry, checked before any work is
 * done for it; a request beyond them is INVALID_ARGUMENT naming the field, its size and the bound.
 *
 * <p>Security: the Workload API socket is open to every local user, so the size of what one call makes
 * the agent hold (the audiences it copies into every JWT-SVID it mints and caches, a token it parses)
 * must not be the caller's choice. The bounds are far above what any SPIFFE client sends (an audience is a
 * URL or a SPIFFE ID, a request names one to a few; a JWT-SVID is carried in an HTTP header, which servers
 * commonly cap at 8 KiB), and together they fit in {@link #MAX_MESSAGE_BYTES}, the socket's inbound
 * message size.
 */
public final class WorkloadRequestLimits {
  /** Most audiences in one FetchJWTSVID request. */
  public static final int MAX_AUDIENCES = 32;
  /** Longest audience, in UTF-8 bytes (twice a usual URL; an audience that is a SPIFFE ID fits too). */
  public static final int MAX_AUDIENCE_LENGTH = SpiffeId.MAX_BYTES;
  /** Longest requested SPIFFE ID, in UTF-8 bytes: the SPIFFE specification's maximum. */
  public static final int MAX_SPIFFE_ID_LENGTH = SpiffeId.MAX_BYTES;
  /** Longest token ValidateJWTSVID accepts, in UTF-8 bytes: twice the common 8 KiB HTTP header limit. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;
  /**
   * The Workload API socket's inbound message size. The largest legitimate request is a FetchJWTSVID with
   * {@link #MAX_AUDIENCES} audiences of {@link #MAX_AUDIENCE_LENGTH} plus a SPIFFE ID (about 66 KiB with
   * protobuf framing) or a ValidateJWTSVID with the longest token (about 18 KiB); every other request is
   * empty. gRPC refuses a larger message with RESOURCE_EXHAUSTED from its 5-byte length prefix, before
   * buffering it, instead of the 4 MiB it would otherwise hold per call.
   */
  public static final int MAX_MESSAGE_BYTES = 96 * 1024;
  /**
   * The socket's inbound header size: gRPC's own default (8 KiB), stated so that it is a decision. A
   * Workload API request carries the security header and a few standard ones.
   */
  public static final int MAX_METADATA_BYTES = 8 * 1024;

  private WorkloadRequestLimits() {}

  /** FetchJWTSVID's audiences: at least one, none empty, within the count and length bounds. */
  public static void checkAudiences(List<String> audiences) throws StatusException {
    if (audiences.isEmpty() || audiences.stream().anyMatch(String::isEmpty)) {
      throw invalid("audience must be specified");
    }
    if (audiences.size() > MAX_AUDIENCES) {
      throw invalid("too many audiences: " + audiences.size() + " exceeds the maximum of " + MAX_AUDIENCES);
    }
    for (String audience : audiences) {
      checkLength("audience", audience, MAX_AUDIENCE_LENGTH);
    }
  }

  /** One audience (ValidateJWTSVID): present and within the length bound. */
  public static void checkAudience(String audience) throws StatusException {
    if (audience.isEmpty()) {
      throw invalid("audience must be specified");
    }
    checkLength("audience", audience, MAX_AUDIENCE_LENGTH);
  }

  /** A requested SPIFFE ID, before it is parsed. */
  public static void checkSpiffeId(String spiffeId) throws StatusException {
    checkLength("spiffe_id", spiffeId, MAX_SPIFFE_ID_LENGTH);
  }

  /** A token to validate: present and within the length bound. */
  public static void checkToken(String token) throws StatusException {
    if (token.isEmpty()) {
      throw invalid("svid must be specified");
    }
    checkLength("svid", token, MAX_TOKEN_LENGTH);
  }

  private static void checkLength(String field, String value, int max) throws StatusException {
    if (value.length() <= max / 3) {
      return; // at most 3 UTF-8 bytes per char: short enough without encoding it
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > max) {
      throw invalid(field + " of " + bytes + " bytes exceeds the maximum of " + max + " (starts with \""
          + value.substring(0, 32) + "\")");
    }
  }

  private static StatusException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asException();
  }
}
