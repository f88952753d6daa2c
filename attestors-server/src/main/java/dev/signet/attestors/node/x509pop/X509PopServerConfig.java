package dev.signet.attestors.node.x509pop;

import dev.signet.attestors.node.AgentPathTemplate;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The checked {@code plugin_data} of the server half of {@code NodeAttestor "x509pop"}: {@code mode}
 * ({@code external_pki} with {@code ca_bundle_path}/{@code ca_bundle_paths}, or {@code spiffe} with
 * {@code svid_prefix}) and {@code agent_path_template}. Parsing reads no file; the CA bundles are read when
 * the attestor is created.
 *
 * @param spiffeMode true for {@code mode = "spiffe"}
 * @param caBundlePaths the CA bundle files ({@code external_pki} only)
 * @param svidPrefix the path prefix of accepted X509-SVIDs ({@code spiffe} only)
 * @param template the agent path template
 */
record X509PopServerConfig(boolean spiffeMode, List<String> caBundlePaths, String svidPrefix,
    AgentPathTemplate template) {
  X509PopServerConfig {
    caBundlePaths = List.copyOf(caBundlePaths);
    Objects.requireNonNull(template, "agent_path_template");
  }

  static X509PopServerConfig parse(ConfigSection data) {
    String mode = data.getString("mode", "external_pki");
    if (mode.equals("spiffe")) {
      String prefix = data.getString("svid_prefix", "/spire-exchange");
      if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
        throw new ConfigException("svid_prefix \"" + prefix + "\" must start with '/' and not end with one");
      }
      AgentPathTemplate template = AgentPathTemplate.parse(data.getString(
          "agent_path_template", X509PopNodeAttestor.SPIFFE_TEMPLATE), X509PopNodeAttestor.SPIFFE_TEMPLATE_FIELDS);
      requireNoUnknownKeys(data);
      return new X509PopServerConfig(true, List.of(), prefix, template);
    }
    if (!mode.equals("external_pki")) {
      throw new ConfigException("mode \"" + mode + "\" is neither external_pki nor spiffe");
    }
    List<String> paths = new ArrayList<>(data.getList("ca_bundle_paths"));
    data.getString("ca_bundle_path").ifPresent(paths::add);
    if (paths.isEmpty()) {
      throw new ConfigException("ca_bundle_path or ca_bundle_paths is required");
    }
    AgentPathTemplate template = AgentPathTemplate.parse(data.getString(
        "agent_path_template", X509PopNodeAttestor.DEFAULT_TEMPLATE), X509PopNodeAttestor.TEMPLATE_FIELDS);
    requireNoUnknownKeys(data);
    return new X509PopServerConfig(false, paths, "", template);
  }

  private static void requireNoUnknownKeys(ConfigSection data) {
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
  }
}
