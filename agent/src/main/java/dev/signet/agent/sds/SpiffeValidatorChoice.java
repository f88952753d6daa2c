package dev.signet.agent.sds;

import com.google.protobuf.Value;
import dev.signet.proto.envoy.config.core.v3.Node;
import dev.signet.proto.envoy.type.v3.SemanticVersion;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether validation contexts for one Envoy use the SPIFFE certificate validator, decided as SPIRE's agent
 * decides: only for an Envoy that reports (in {@code node.user_agent_build_version}) version 1.18 or later,
 * which has the extension, and only when not disabled, by {@code disable_spiffe_cert_validation} in the
 * agent's {@code sds} block or, overriding it either way, by the same key in the Envoy node's metadata
 * (a boolean, or a string such as "true" or "0"; any other value is ignored). Otherwise bundles are served
 * as plain {@code trusted_ca}, and the all-bundles resource cannot be served.
 *
 * <p>Security: the override only changes how that Envoy itself validates its peers (trusted_ca trusts every
 * served bundle's CA for any SPIFFE ID, the validator binds each CA to its own trust domain); it grants the
 * caller nothing it is not entitled to.
 */
final class SpiffeValidatorChoice {
  /** The node metadata key (and agent config key) that disables the validator. */
  static final String DISABLE_KEY = "disable_spiffe_cert_validation";
  private static final Set<String> TRUE = Set.of("1", "t", "true");
  private static final Set<String> FALSE = Set.of("0", "f", "false");

  private SpiffeValidatorChoice() {}

  /** True when this Envoy gets the SPIFFE certificate validator. */
  static boolean useValidator(SdsConfig config, Node node) {
    boolean disabled = override(node).orElse(config.disableSpiffeCertValidation());
    return !disabled && supportsValidator(node);
  }

  private static boolean supportsValidator(Node node) {
    if (node == null || !node.hasUserAgentBuildVersion() || !node.getUserAgentBuildVersion().hasVersion()) {
      return false;
    }
    SemanticVersion version = node.getUserAgentBuildVersion().getVersion();
    return version.getMajorNumber() > 1 || (version.getMajorNumber() == 1 && version.getMinorNumber() >= 18);
  }

  private static Optional<Boolean> override(Node node) {
    if (node == null || !node.getMetadata().containsFields(DISABLE_KEY)) {
      return Optional.empty();
    }
    Value value = node.getMetadata().getFieldsOrThrow(DISABLE_KEY);
    return switch (value.getKindCase()) {
      case BOOL_VALUE -> Optional.of(value.getBoolValue());
      case STRING_VALUE -> {
        String text = value.getStringValue().toLowerCase(Locale.ROOT);
        yield TRUE.contains(text) ? Optional.of(true) : FALSE.contains(text) ? Optional.of(false) : Optional.empty();
      }
      default -> Optional.empty();
    };
  }
}
