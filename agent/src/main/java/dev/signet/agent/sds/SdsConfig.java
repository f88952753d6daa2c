package dev.signet.agent.sds;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.SpiffeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent's {@code sds { }} block (inside {@code agent { }}), SPIRE's keys and defaults: the resource name
 * under which Envoy receives the caller's first X509-SVID ({@code default_svid_name}, "default"), its own
 * trust domain's bundle ({@code default_bundle_name}, "ROOTCA") and every bundle it may use
 * ({@code default_all_bundles_name}, "ALL"), and whether validation contexts use Envoy's SPIFFE certificate
 * validator ({@code disable_spiffe_cert_validation}, false).
 *
 * <p>Security: the three names must differ from each other and must not start with {@code spiffe://}, so a
 * name can never be confused with a SPIFFE ID or trust domain ID, which are resource names too.
 */
public record SdsConfig(String defaultSvidName, String defaultBundleName, String defaultAllBundlesName,
    boolean disableSpiffeCertValidation) {
  /** SPIRE's defaults. */
  public static final SdsConfig DEFAULT = new SdsConfig("default", "ROOTCA", "ALL", false);

  public SdsConfig {
    check("default_svid_name", defaultSvidName);
    check("default_bundle_name", defaultBundleName);
    check("default_all_bundles_name", defaultAllBundlesName);
    if (new HashSet<>(List.of(defaultSvidName, defaultBundleName, defaultAllBundlesName)).size() != 3) {
      throw new IllegalArgumentException("default_svid_name \"" + defaultSvidName + "\", default_bundle_name \""
          + defaultBundleName + "\" and default_all_bundles_name \"" + defaultAllBundlesName + "\" must differ");
    }
  }

  private static void check(String key, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    if (name.startsWith(SpiffeId.SCHEME_PREFIX)) {
      throw new IllegalArgumentException(key + " \"" + name + "\" must not start with " + SpiffeId.SCHEME_PREFIX
          + " (such names are spiffe ids and trust domains)");
    }
  }

  /** The names that mean something other than a SPIFFE ID or a trust domain ID. */
  public Set<String> reservedNames() {
    return Set.of(defaultSvidName, defaultBundleName, defaultAllBundlesName);
  }

  /**
   * Reads {@code agent.sds}; absent means {@link #DEFAULT}. Unknown keys inside it are left unread, so the
   * loader's unknown-key check refuses them.
   */
  public static SdsConfig parse(ConfigSection agent) {
    ConfigSection sds = agent.section("sds");
    String svid = sds.getString("default_svid_name", DEFAULT.defaultSvidName());
    String bundle = sds.getString("default_bundle_name", DEFAULT.defaultBundleName());
    String all = sds.getString("default_all_bundles_name", DEFAULT.defaultAllBundlesName());
    boolean disable = sds.getBool("disable_spiffe_cert_validation", DEFAULT.disableSpiffeCertValidation());
    try {
      return new SdsConfig(svid, bundle, all, disable);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("agent.sds." + e.getMessage(), e);
    }
  }
}
