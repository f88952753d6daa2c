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
import dev.signet.common.plugin.PluginData;
import java.util.ArrayList;
import java.util.Collections;
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
record TpmServerConfig(String caPath, String hashPath, Set<String> allowedEkHashes, Set<Integer> reportedPcrs,
    Map<Integer, byte[]> requiredPcrs) {

  TpmServerConfig {
    allowedEkHashes = Set.copyOf(allowedEkHashes);
    reportedPcrs = Collections.unmodifiableSortedSet(new TreeSet<>(reportedPcrs));
    requiredPcrs = Collections.unmodifiableSortedMap(new TreeMap<>(requiredPcrs));
  }

  /** Checks {@code plugin_data}; reads no file. */
  static TpmServerConfig parse(ConfigSection data) {
    String caPath = data.getString("ca_path", "");
    String hashPath = data.getString("hash_path", "");
    List<String> hashes = data.getList("ek_hashes");
    List<String> pcrs = data.getList("pcrs");
    Map<String, Object> required = data.getMap("required_pcrs");
    PluginData.requireNoUnknownKeys(data);
    if (caPath.isEmpty() && hashPath.isEmpty() && hashes.isEmpty()) {
      throw new ConfigException("one of ca_path, hash_path or ek_hashes is required");
    }
    Set<String> allowed = new HashSet<>();
    for (String hash : hashes) {
      if (!hash.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException("ek_hashes entry \"" + hash + "\" is not a hex SHA-256");
      }
      allowed.add(hash);
    }
    TreeSet<Integer> reported = new TreeSet<>();
    for (String pcr : pcrs) {
      reported.add(pcrIndex(pcr));
    }
    TreeMap<Integer, byte[]> values = new TreeMap<>();
    required.forEach((pcr, value) -> {
      String hex = String.valueOf(value);
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException("required_pcrs \"" + pcr + "\" = \"" + hex + "\" is not a hex sha256 value");
      }
      values.put(pcrIndex(pcr), HexFormat.of().parseHex(hex));
    });
    return new TpmServerConfig(caPath, hashPath, allowed, reported, values);
  }

  /** Reads {@code ca_path} and checks {@code hash_path}, then makes the attestor. */
  TpmNodeAttestor create(Clock clock) {
    Path hashDirectory = hashPath.isEmpty() ? null : Path.of(hashPath);
    return new TpmNodeAttestor(new EndorsementTrust(endorsementCas(), allowedEkHashes, hashDirectory, clock),
        new TpmPcrPolicy(new TreeSet<>(reportedPcrs), new TreeMap<>(requiredPcrs)));
  }

  /** The {@code ca_path} certificates, after checking that {@code hash_path}, if set, is a directory. */
  List<X509Certificate> endorsementCas() {
    if (!hashPath.isEmpty() && !Files.isDirectory(Path.of(hashPath))) {
      throw new ConfigException("hash_path " + hashPath + " is not a directory");
    }
    return caPath.isEmpty() ? List.of() : certificates(Path.of(caPath));
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
    throw new ConfigException("PCR \"" + value + "\" is not a number in 0.." + TpmProtocol.MAX_PCR);
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
          throw new ConfigException("ca_path file " + file + " holds no readable certificate: "
              + e.getMessage());
        }
      }
      if (cas.isEmpty()) {
        throw new ConfigException("ca_path " + path + " holds no certificate");
      }
      return cas;
    } catch (IOException e) {
      throw new ConfigException("cannot read ca_path " + path + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }
}
