package dev.signet.benchmarks;

import dev.signet.ca.crypto.IndependentCheck;
import dev.signet.ca.x509.CsrParser;
import dev.signet.ca.x509.InvalidCsrException;
import dev.signet.ca.x509.X509SvidMinter;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thread, one run: {@code openssl speed -seconds 3 ecdsap256}, then on each provider (ACCP and
 * BouncyCastle) P-256 sign, verify and key generation through the JCA, the issuance that BatchNewX509SVID
 * does per SVID (CSR parse and verify, mint without parsing back, DER) and the cost of verifying a minted
 * certificate with the second provider, and what the agent does per entry in a sync (a key pair and its
 * CSR); prints rates and the ratio of issuance to OpenSSL's combined
 * sign+verify rate (1 / (1/sign + 1/verify)). Rates are per CPU-second of the measuring thread, as
 * {@code openssl speed} measures by default. Prints figures, asserts nothing.
 *
 * <p>Run: {@code java -cp … dev.signet.benchmarks.VettedCryptoLoad [seconds per figure, default 5]}.
 */
public final class VettedCryptoLoad {
  private static final byte[] MESSAGE = new byte[512];
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private VettedCryptoLoad() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    double[] openssl = opensslSpeed();
    double opensslCombined = 1 / (1 / openssl[0] + 1 / openssl[1]);
    System.out.printf(Locale.ROOT, "openssl speed ecdsap256 (1 core): sign %,.0f/s verify %,.0f/s combined %,.0f/s%n",
        openssl[0], openssl[1], opensslCombined);
    for (CryptoProviderMode mode : List.of(CryptoProviderMode.ACCP, CryptoProviderMode.BOUNCYCASTLE)) {
      CryptoProviders.install(mode);
      String name = CryptoProviders.signing().getName();
      KeyPair key = KeyType.EC_P256.generate();
      Signature signer = Signature.getInstance("SHA256withECDSA", CryptoProviders.signing());
      Signature verifier = Signature.getInstance("SHA256withECDSA", CryptoProviders.signing());
      signer.initSign(key.getPrivate());
      signer.update(MESSAGE);
      byte[] signature = signer.sign();
      double sign = rate(seconds, () -> {
        signer.initSign(key.getPrivate());
        signer.update(MESSAGE);
        return signer.sign();
      });
      double verify = rate(seconds, () -> {
        verifier.initVerify(key.getPublic());
        verifier.update(MESSAGE);
        return verifier.verify(signature);
      });
      double keygen = rate(seconds, KeyType.EC_P256::generate);
      BenchmarkCa ca = new BenchmarkCa();
      byte[] csr = Csrs.forKey(KeyType.EC_P256.generate());
      SpiffeId id = ca.trustDomain.id("/workload/bench");
      double issuance = rate(seconds, () -> issue(ca, csr, id));
      X509Certificate minted = X509SvidMinter.mint(ca.authority, CsrParser.parse(csr).publicKey(), id, List.of(),
          Duration.ofHours(1), Instant.now());
      PublicKey caKey = ca.authority.publicKey();
      double independent = rate(seconds, () -> {
        IndependentCheck.verify(minted, caKey);
        return minted;
      });
      double keysAndCsrs = rate(seconds, () -> Csrs.forKey(KeyType.EC_P256.generate()));
      System.out.printf(Locale.ROOT, "%s: agent side of a sync, a P-256 key and its CSR per entry: %,.0f/s"
          + " (1,000 entries: %.0f ms of CPU)%n", name, keysAndCsrs, 1000 / keysAndCsrs * 1000);
      System.out.printf(Locale.ROOT, "%s: sign %,.0f/s verify %,.0f/s keygen %,.0f/s | issuance %,.0f/s = %.2f x openssl"
          + " combined | second-provider check of one certificate %,.0f/s (%.0f us; issuance %.0f us)%n", name, sign,
          verify, keygen, issuance, issuance / opensslCombined, independent, 1e6 / independent, 1e6 / issuance);
    }
  }

  /** What BatchNewX509SVID does per SVID: the CSR parsed and verified, the SVID minted (unparsed), its DER. */
  private static byte[] issue(BenchmarkCa ca, byte[] csr, SpiffeId id) throws InvalidCsrException {
    return X509SvidMinter.mintEncoded(ca.authority, CsrParser.parse(csr).publicKey(), id, List.of(),
        Duration.ofHours(1), Instant.now()).der();
  }

  private interface Operation {
    Object run() throws Exception;
  }

  /**
   * Operations per CPU-second of this thread over {@code seconds} of its CPU time, after as long a warm-up.
   * CPU time, not wall time, as {@code openssl speed} counts by default: on a shared machine the thread gets
   * a varying share of a core, and the figure wanted is per core.
   */
  private static double rate(double seconds, Operation operation) throws Exception {
    for (int pass = 0; pass < 2; pass++) {
      long start = THREADS.getCurrentThreadCpuTime();
      long end = start + (long) (seconds * 1e9);
      long count = 0;
      long now;
      do {
        for (int i = 0; i < 16; i++) {
          operation.run();
        }
        count += 16;
        now = THREADS.getCurrentThreadCpuTime();
      } while (now < end);
      if (pass == 1) {
        return count / ((now - start) / 1e9);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** {sign/s, verify/s} from the last line of {@code openssl speed -seconds 3 ecdsap256}. */
  private static double[] opensslSpeed() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("openssl", "speed", "-seconds", "3", "ecdsap256").redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    Matcher m = Pattern.compile("256 bits ecdsa \\(nistp256\\)\\s+[\\d.]+s\\s+[\\d.]+s\\s+([\\d.]+)\\s+([\\d.]+)")
        .matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("cannot read openssl speed output:\n" + output);
    }
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }
}
