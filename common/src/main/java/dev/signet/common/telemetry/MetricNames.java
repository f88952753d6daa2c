package dev.signet.common.telemetry;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SPIRE's metric naming, so a dashboard written for SPIRE finds the same series: the key of an RPC's call counter
 * ({@code /spire.api.server.agent.v1.Agent/AttestAgent} is {@code rpc_agent_v1_agent_attest_agent}), the
 * snake-casing of gRPC names, and the status label spelled as Go's gRPC names its codes ({@code PermissionDenied}).
 */
public final class MetricNames {
  private MetricNames() {}

  /** The call-counter key of a gRPC method, {@code rpc_<service parts>_<method>}. */
  public static String rpcKey(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    String service = fullMethodName.substring(fullMethodName.startsWith("/") ? 1 : 0, Math.max(slash, 0));
    String method = fullMethodName.substring(slash + 1);
    List<String> parts = new ArrayList<>(List.of("rpc"));
    parts.addAll(serviceParts(service));
    parts.add(snake(method));
    return String.join("_", parts);
  }

  private static List<String> serviceParts(String service) {
    String last = service.substring(service.lastIndexOf('.') + 1);
    if (service.startsWith("spire.api.server.")) {
      List<String> parts = new ArrayList<>();
      for (String part : service.substring("spire.api.server.".length()).split("\\.")) {
        parts.add(snake(part));
      }
      return parts;
    }
    if (service.startsWith("spire.api.agent.") || service.startsWith("spire.agent.")
        || service.startsWith("grpc.health.")) {
      return List.of(snake(last));
    }
    if (service.equals("SpiffeWorkloadAPI")) {
      return List.of("workload_api");
    }
    if (service.startsWith("envoy.service.secret.")) {
      String[] parts = service.split("\\.");
      return List.of("sds", parts[parts.length - 2]);
    }
    List<String> parts = new ArrayList<>();
    for (String part : service.split("\\.")) {
      parts.add(snake(part));
    }
    return parts;
  }

  /**
   * Lower snake case with SPIRE's word breaks: before a capital that follows a lower-case letter, and before the
   * capital that starts a capitalised word after an acronym or digits ({@code FetchX509Bundles} is
   * {@code fetch_x509_bundles}, {@code FetchX509SVID} is {@code fetch_x509svid}).
   */
  public static String snake(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        char previous = name.charAt(i - 1);
        boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(previous)
            || (nextLower && (Character.isUpperCase(previous) || Character.isDigit(previous)))) {
          out.append('_');
        }
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }

  /** The status label value of {@code code}: Go's name of it ({@code OK}, {@code InvalidArgument}, …). */
  public static String status(Status.Code code) {
    if (code == Status.Code.OK) {
      return "OK";
    }
    if (code == Status.Code.CANCELLED) {
      return "Canceled"; // Go's spelling
    }
    StringBuilder out = new StringBuilder();
    for (String word : code.name().split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  /** A {@code MetricPrefix} as a Prometheus name part: every character a name may not hold becomes {@code _}. */
  public static String prefix(String metricPrefix) {
    String cleaned = metricPrefix.replaceAll("[^a-zA-Z0-9_:]", "_");
    return cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0)) ? "_" + cleaned : cleaned;
  }
}
