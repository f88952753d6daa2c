package dev.signet.common.logging;

/**
 * The names of the key/value fields our log lines carry (SLF4J 2 key/value pairs). One spelling for each,
 * so an operator can search or index the same field across the server and the agent, and in the JSON
 * output they appear under these names.
 *
 * <p>Security: no field carries a secret. A join token, a private key, a JWT or a password is never a
 * field value; a field names who (an ID, a pid, a uid), what (a method, an attestor) and why (a code).
 */
public final class LogFields {
  /** The gRPC status code of a failure, e.g. {@code PERMISSION_DENIED}. */
  public static final String CODE = "code";
  /** A SPIFFE ID that is the subject of the line (a caller's, a workload's, a requested one). */
  public static final String SPIFFE_ID = "spiffe_id";
  /** The SPIFFE ID of an agent. */
  public static final String AGENT_ID = "agent_id";
  /** A registration entry's ID. */
  public static final String ENTRY_ID = "entry_id";
  /** The pid of a Workload API caller (from SO_PEERCRED). */
  public static final String CALLER_PID = "caller_pid";
  /** The uid of a Workload API caller (from SO_PEERCRED). */
  public static final String CALLER_UID = "caller_uid";
  /** The gid of a Workload API caller (from SO_PEERCRED). */
  public static final String CALLER_GID = "caller_gid";
  /** The selectors a workload or a node was attested with (type:value, sorted). */
  public static final String SELECTORS = "selectors";
  /** Who called, described without secrets (an X509-SVID's ID, "local admin socket", an address). */
  public static final String CALLER = "caller";
  /** The network address a call came from. */
  public static final String CALLER_ADDRESS = "caller_addr";
  /** A node attestor's plugin name, e.g. {@code join_token}. */
  public static final String ATTESTOR = "attestor";
  /** The full gRPC method name, or an HTTP method and path. */
  public static final String METHOD = "method";
  /** A machine-readable reason, e.g. a {@code PermissionDeniedDetails} reason. */
  public static final String REASON = "reason";
  /** A signing authority's ID (an X.509 CA's subject key ID or a JWT key's kid). */
  public static final String AUTHORITY_ID = "authority_id";
  /** The kind of a signing authority: {@code x509} or {@code jwt}. */
  public static final String AUTHORITY_KIND = "authority_kind";
  /** When a credential or authority expires (ISO-8601). */
  public static final String NOT_AFTER = "not_after";
  /** The ID of the authority (or credential) that the subject of the line replaces. */
  public static final String REPLACES = "replaces";
  /** A trust domain name that is the subject of the line (a federated bundle's, a federation relationship's). */
  public static final String TRUST_DOMAIN = "trust_domain";
  /** An HTTP status code. */
  public static final String HTTP_STATUS = "http_status";

  private LogFields() {}
}
