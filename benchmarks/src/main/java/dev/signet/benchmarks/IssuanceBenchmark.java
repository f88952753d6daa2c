package dev.signet.benchmarks;

import dev.signet.ca.x509.CredentialValidator;
import dev.signet.ca.x509.CsrParser;
import dev.signet.ca.x509.InvalidCsrException;
import dev.signet.ca.x509.ParsedCsr;
import dev.signet.ca.x509.X509SvidMinter;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * X.509-SVID issuance as the server does it for BatchNewX509SVID: parse and verify the CSR, mint the
 * SVID with SPIRE's profile (P-256 CA), run the credential validator, DER-encode. Target: at least
 * 3,000 per second per core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IssuanceBenchmark {
  private BenchmarkCa ca;
  private byte[] csr;
  private SpiffeId id;
  private java.security.PublicKey parsedKey;
  private X509Certificate minted;

  @Setup
  public void setUp() {
    ca = new BenchmarkCa();
    csr = Csrs.forKey(KeyType.EC_P256.generate());
    id = ca.trustDomain.id("/workload/bench");
    try {
      parsedKey = CsrParser.parse(csr).publicKey();
      minted = X509SvidMinter.mint(ca.authority, parsedKey, id, List.of(), Duration.ofHours(1), Instant.now());
    } catch (InvalidCsrException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public byte[] issueX509Svid() throws InvalidCsrException {
    ParsedCsr parsed = CsrParser.parse(csr);
    return X509SvidMinter.mintEncoded(ca.authority, parsed.publicKey(), id, List.of(), Duration.ofHours(1),
        Instant.now()).der();
  }

  @Benchmark
  public Object parseAndVerifyCsrOnly() throws InvalidCsrException {
    return CsrParser.parse(csr);
  }

  /** Minting alone (build and sign, unparsed, as issuance does) with a key already parsed: the cost besides the CSR. */
  @Benchmark
  public byte[] mintOnly() {
    return X509SvidMinter.mintEncoded(ca.authority, parsedKey, id, List.of(), Duration.ofHours(1), Instant.now()).der();
  }

  /** The credential check alone on an SVID minted once (issuance runs it once per authority, on a test SVID). */
  @Benchmark
  public X509Certificate validateOnly() {
    CredentialValidator.validateX509Svid(minted, ca.authority, id);
    return minted;
  }
}
