package dev.signet.benchmarks;

import dev.signet.ca.CaProviders;
import dev.signet.ca.ecsign.P256ContentSigner;
import dev.signet.ca.ecsign.P256EcdsaSigner;
import dev.signet.ca.ecsign.P256FixedBaseMultiplier;
import dev.signet.common.crypto.KeyType;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.RandomDSAKCalculator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ECDSA P-256 signing with the CA key, one thread. {@code contentSigner}: a 512-byte to-be-signed blob through a
 * BouncyCastle content signer as minting does it ({@code jca}: JcaContentSigner on BouncyCastle, the path before
 * the fixed-base table; {@code table}: {@link P256ContentSigner}). {@code rawSign}: ECDSA of a hash alone, with
 * BouncyCastle's comb ({@code bc}) or the fixed-base table of a given window width ({@code table4} …).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SigningBenchmark {
  @Param({"bc", "table4", "table5", "table6", "table7", "table8"})
  public String rawSigner;

  private final SecureRandom random = new SecureRandom();
  private PrivateKey bcKey;
  private ECPrivateKeyParameters key;
  private P256FixedBaseMultiplier multiplier;
  private byte[] message;
  private byte[] hash;

  @Setup
  public void setUp() throws Exception {
    PrivateKey sunKey = KeyType.EC_P256.generate().getPrivate();
    bcKey = KeyFactory.getInstance("EC", CaProviders.BOUNCY_CASTLE)
        .generatePrivate(new PKCS8EncodedKeySpec(sunKey.getEncoded()));
    key = P256ContentSigner.keyOf(bcKey).orElseThrow();
    multiplier = rawSigner.equals("bc") ? null : new P256FixedBaseMultiplier(Integer.parseInt(rawSigner.substring(5)));
    message = new byte[512];
    hash = new byte[32];
    random.nextBytes(message);
    random.nextBytes(hash);
  }

  /** The signer minting used before (BouncyCastle JCA content signer, built per certificate). */
  @Benchmark
  public byte[] contentSignerJca() throws Exception {
    return sign(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(CaProviders.BOUNCY_CASTLE)
        .setSecureRandom(random).build(bcKey));
  }

  /** The signer minting uses now for P-256 CA keys. */
  @Benchmark
  public byte[] contentSignerTable() throws Exception {
    return sign(new P256ContentSigner(key, random));
  }

  @Benchmark
  public BigInteger[] rawSign() {
    ECDSASigner signer = multiplier == null ? new ECDSASigner()
        : new P256EcdsaSigner(new RandomDSAKCalculator(), multiplier);
    signer.init(true, new ParametersWithRandom(key, random));
    return signer.generateSignature(hash);
  }

  private byte[] sign(ContentSigner signer) throws Exception {
    try (OutputStream out = signer.getOutputStream()) {
      out.write(message);
    }
    return signer.getSignature();
  }
}
