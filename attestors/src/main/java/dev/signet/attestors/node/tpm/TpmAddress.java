package dev.signet.attestors.node.tpm;

import dev.signet.common.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import tss.Tpm;
import tss.TpmDeviceTcp;

/**
 * Where the agent's TPM is, written like a tpm2-tss TCTI: a character device ({@code /dev/tpmrm0}, or
 * {@code device:/dev/tpm0}), or a TPM simulator over TCP ({@code swtpm:host=127.0.0.1,port=2321}, also
 * spelled {@code mssim:…}) speaking the Microsoft simulator protocol on {@code port} and {@code port + 1}.
 *
 * @param device the character device, or null for TCP
 * @param host the simulator's host, or null for a device
 * @param port the simulator's command port
 */
record TpmAddress(String device, String host, int port) {
  static final String DEFAULT = "/dev/tpmrm0";

  /** Parses {@code tpm_path}; an unusable value is a {@link ConfigException} quoting it. */
  static TpmAddress parse(String value) {
    if (value.startsWith("/")) {
      return new TpmAddress(value, null, 0);
    }
    if (value.startsWith("device:") && value.length() > "device:".length()) {
      return new TpmAddress(value.substring("device:".length()), null, 0);
    }
    if (value.startsWith("swtpm:") || value.startsWith("mssim:")) {
      Map<String, String> options = new LinkedHashMap<>();
      for (String option : value.substring(6).split(",")) {
        int eq = option.indexOf('=');
        if (eq <= 0) {
          throw bad(value, "option \"" + option + "\" is not key=value");
        }
        options.put(option.substring(0, eq), option.substring(eq + 1));
      }
      String host = options.getOrDefault("host", "127.0.0.1");
      int port;
      try {
        port = Integer.parseInt(options.getOrDefault("port", "2321"));
      } catch (NumberFormatException e) {
        throw bad(value, "port is not a number");
      }
      options.keySet().removeAll(java.util.List.of("host", "port"));
      if (!options.isEmpty() || port < 1 || port > 65534 || host.isEmpty()) {
        throw bad(value, "expected swtpm:host=<host>,port=<1..65534>");
      }
      return new TpmAddress(null, host, port);
    }
    throw bad(value, "expected a device path such as /dev/tpmrm0 or swtpm:host=<host>,port=<port>");
  }

  private static ConfigException bad(String value, String why) {
    return new ConfigException("tpm_path \"" + value + "\": " + why);
  }

  /** Connects; a TPM that cannot be reached is an {@link IllegalStateException} naming this address. */
  Tpm open() {
    Tpm tpm = new Tpm();
    if (device != null) {
      tpm._setDevice(new CharacterDeviceTpm(device));
      return tpm;
    }
    TpmDeviceTcp tcp = new TpmDeviceTcp(host, port);
    if (!tcp.connect()) {
      throw new IllegalStateException("tpm: cannot connect to the TPM simulator at " + this);
    }
    tpm._setDevice(tcp);
    return tpm;
  }

  @Override
  public String toString() {
    return device != null ? device : "swtpm:host=" + host + ",port=" + port;
  }
}
