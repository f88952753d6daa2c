package dev.signet.attestors.node.tpm;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The server's {@code plugin_data}, SPIRE TPM plugin style: {@code ca_path} (a file or a directory of PEM or
 * DER manufacturer CA certificates), {@code hash_path} (a directory whose file names are allowed EK hashes),
 * {@code ek_hashes} (the same inline), {@code pcrs} (sha256 PCRs to quote and report as selectors) and
 * {@code required_pcrs} (PCR number to required hex value). At least one way to trust an EK is required.
 */
final class TpmServerConfig {
  private static final String PREFIX = "NodeAttestor \"tpm\": ";

  private TpmServerConfig() {}

  static TpmNodeAttestor load(ConfigSection data, Clock clock) {
    String caPath = data.getString("ca_path", "");
    String hashPath = data.getString("hash_path", "");
    List<String> hashes = data.getList("ek_hashes");
    List<String> pcrs = data.getList("pcrs");
    Map<String, Object> required = data.getMap("required_pcrs");
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException(PREFIX + "unknown plugin_data keys " + data.unknownKeys());
    }
    if (caPath.isEmpty() && hashPath.isEmpty() && hashes.isEmpty()) {
      throw new ConfigException(PREFIX + "one of ca_path, hash_path or ek_hashes is required");
    }
    Set<String> allowed = new HashSet<>();
    for (String hash : hashes) {
      if (!hash.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException(PREFIX + "ek_hashes entry \"" + hash + "\" is not a hex SHA-256");
      }
      allowed.add(hash);
    }
    Path hashDirectory = hashPath.isEmpty() ? null : Path.of(hashPath);
    if (hashDirectory != null && !Files.isDirectory(hashDirectory)) {
      throw new ConfigException(PREFIX + "hash_path " + hashPath + " is not a directory");
    }
    List<X509Certificate> cas = caPath.isEmpty() ? List.of() : certificates(Path.of(caPath));
    TreeSet<Integer> reported = new TreeSet<>();
    for (String pcr : pcrs) {
      reported.add(pcrIndex(pcr));
    }
    TreeMap<Integer, byte[]> values = new TreeMap<>();
    required.forEach((pcr, value) -> {
      String hex = String.valueOf(value);
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException(PREFIX + "required_pcrs \"" + pcr + "\" = \"" + hex + "\" is not a hex sha256 value");
      }
      values.put(pcrIndex(pcr), HexFormat.of().parseHex(hex));
    });
    return new TpmNodeAttestor(new EndorsementTrust(cas, allowed, hashDirectory, clock), new TpmPcrPolicy(reported, values));
  }

  private static int pcrIndex(String value) {
    try {
      int pcr = Integer.parseInt(value);
      if (pcr >= 0 && pcr <= TpmProtocol.MAX_PCR) {
        return pcr;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new ConfigException(PREFIX + "PCR \"" + value + "\" is not a number in 0.." + TpmProtocol.MAX_PCR);
  }

  private static List<X509Certificate> certificates(Path path) {
    List<Path> files = new ArrayList<>();
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> listing = Files.list(path)) {
          listing.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
      } else {
        files.add(path);
      }
      List<X509Certificate> cas = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate certificate : factory.generateCertificates(in)) {
            cas.add((X509Certificate) certificate);
          }
        } catch (GeneralSecurityException e) {
          throw new ConfigException(PREFIX + "ca_path file " + file + " holds no readable certificate: "
              + e.getMessage());
        }
      }
      if (cas.isEmpty()) {
        throw new ConfigException(PREFIX + "ca_path " + path + " holds no certificate");
      }
      return cas;
    } catch (IOException e) {
      throw new ConfigException(PREFIX + "cannot read ca_path " + path + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }
}
