package dev.signet.agent.helper;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A checked {@code helper.conf} (spiffe-helper's keys, see {@link HelperConfigParser}). Optional values are
 * null when absent ({@code cmd}, {@code pidFile}, {@code renewSignal}, the three X509 file names, the JWT bundle
 * file name); {@code hint} is empty for "the first SVID".
 *
 * <p>Security: the private key and JWT-SVID files are bearer secrets, so their modes may never grant anything to
 * "others" (spiffe-helper would write {@code key_file_mode = 0444}; Signet refuses it).
 */
public record HelperConfig(Path agentAddress, String cmd, List<String> cmdArgs, Path pidFile, Path certDir,
    boolean daemonMode, boolean addIntermediatesToBundle, RenewSignal renewSignal, String svidFileName,
    String svidKeyFileName, String svidBundleFileName, boolean includeFederatedDomains, FileMode certFileMode,
    FileMode keyFileMode, FileMode jwtBundleFileMode, FileMode jwtSvidFileMode, List<JwtSvidTarget> jwtSvids,
    String jwtBundleFileName, String hint, HelperHealthChecks healthChecks) {

  public HelperConfig {
    Objects.requireNonNull(agentAddress, "agentAddress");
    Objects.requireNonNull(certDir, "certDir");
    Objects.requireNonNull(certFileMode, "certFileMode");
    Objects.requireNonNull(keyFileMode, "keyFileMode");
    Objects.requireNonNull(jwtBundleFileMode, "jwtBundleFileMode");
    Objects.requireNonNull(jwtSvidFileMode, "jwtSvidFileMode");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(healthChecks, "healthChecks");
    cmdArgs = List.copyOf(cmdArgs);
    jwtSvids = List.copyOf(jwtSvids);
    int x509Names = (svidFileName != null ? 1 : 0) + (svidKeyFileName != null ? 1 : 0)
        + (svidBundleFileName != null ? 1 : 0);
    if (x509Names != 0 && x509Names != 3) {
      throw new IllegalArgumentException("all or none of svid_file_name, svid_key_file_name and "
          + "svid_bundle_file_name must be set (got " + x509Names + " of 3)");
    }
    if (x509Names == 0 && jwtSvids.isEmpty() && jwtBundleFileName == null) {
      throw new IllegalArgumentException("nothing to write: set svid_file_name, svid_key_file_name and "
          + "svid_bundle_file_name, or jwt_svids, or jwt_bundle_file_name");
    }
    if (pidFile != null && renewSignal == null) {
      throw new IllegalArgumentException("pid_file_name \"" + pidFile + "\" needs renew_signal");
    }
    if (cmd == null && !cmdArgs.isEmpty()) {
      throw new IllegalArgumentException("cmd_args " + cmdArgs + " without cmd");
    }
    if (keyFileMode.grantsOthers()) {
      throw new IllegalArgumentException("key_file_mode " + keyFileMode + " lets other users use the private key; "
          + "keys are never world-accessible (use 0600 or 0640)");
    }
    if (jwtSvidFileMode.grantsOthers()) {
      throw new IllegalArgumentException("jwt_svid_file_mode " + jwtSvidFileMode + " lets other users read a "
          + "bearer token (use 0600 or 0640)");
    }
  }

  /** Whether X509-SVID files are configured. */
  public boolean writesX509() {
    return svidFileName != null;
  }

  /** {@code name} under {@code cert_dir}. */
  public Path file(String name) {
    return certDir.resolve(name);
  }
}
