package dev.signet.benchmarks;

import dev.signet.common.crypto.AccpProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
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
 * ECDSA P-256 sign, verify and key generation per JCA provider (Amazon Corretto Crypto Provider, JDK SunEC,
 * BouncyCastle), one thread: the measurement behind the choice of ACCP with BouncyCastle as the fallback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EcdsaProviderBenchmark {
  @Param({"ACCP", "SunEC", "BC"})
  public String provider;

  private Signature signer;
  private Signature verifier;
  private byte[] message;
  private byte[] signature;
  private KeyPair keyPair;
  private KeyPairGenerator generator;

  @Setup
  public void setUp() throws Exception {
    Provider chosen = switch (provider) {
      case "ACCP" -> {
        if (AccpProvider.INSTANCE.loadingError().isPresent()) {
          throw new IllegalStateException("accp cannot load", AccpProvider.INSTANCE.loadingError().get());
        }
        yield AccpProvider.INSTANCE.provider();
      }
      case "BC" -> new BouncyCastleProvider();
      default -> java.security.Security.getProvider(provider);
    };
    generator = KeyPairGenerator.getInstance("EC", chosen);
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    keyPair = generator.generateKeyPair();
    signer = Signature.getInstance("SHA256withECDSA", chosen);
    verifier = Signature.getInstance("SHA256withECDSA", chosen);
    message = new byte[512];
    new SecureRandom().nextBytes(message);
    signer.initSign(keyPair.getPrivate(), new SecureRandom());
    signer.update(message);
    signature = signer.sign();
  }

  @Benchmark
  public byte[] sign() throws Exception {
    signer.initSign(keyPair.getPrivate());
    signer.update(message);
    return signer.sign();
  }

  @Benchmark
  public KeyPair keygen() {
    return generator.generateKeyPair();
  }

  @Benchmark
  public boolean verify() throws Exception {
    verifier.initVerify(keyPair.getPublic());
    verifier.update(message);
    return verifier.verify(signature);
  }
}
