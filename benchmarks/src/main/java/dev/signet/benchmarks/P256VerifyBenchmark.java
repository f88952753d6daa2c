package dev.signet.benchmarks;

import dev.signet.ca.ecverify.P256Verifier;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
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
 * ECDSA P-256 verification of a signature by a key seen for the first time, as for every CSR:
 * BouncyCastle's ECDSASigner (the key's point decoded afresh, so no per-key table survives) against
 * {@link P256Verifier}. Both get the digest, r, s and the key's coordinates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class P256VerifyBenchmark {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);
  private byte[] digest;
  private BigInteger r;
  private BigInteger s;
  private byte[] encodedKey;
  private BigInteger qx;
  private BigInteger qy;

  @Setup
  public void setUp() {
    SecureRandom random = new SecureRandom();
    BigInteger d = new BigInteger(255, random).add(BigInteger.ONE);
    ECPoint q = CURVE.getG().multiply(d).normalize();
    encodedKey = q.getEncoded(false);
    qx = q.getAffineXCoord().toBigInteger();
    qy = q.getAffineYCoord().toBigInteger();
    digest = new byte[32];
    random.nextBytes(digest);
    ECDSASigner signer = new ECDSASigner();
    signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(d, DOMAIN), random));
    BigInteger[] rs = signer.generateSignature(digest);
    r = rs[0];
    s = rs[1];
  }

  @Benchmark
  public boolean bouncyCastle() {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(CURVE.getCurve().decodePoint(encodedKey), DOMAIN));
    return verifier.verifySignature(digest, r, s);
  }

  @Benchmark
  public boolean signet() {
    return P256Verifier.verify(digest, r, s, qx, qy);
  }
}
