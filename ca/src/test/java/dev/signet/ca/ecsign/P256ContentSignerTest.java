package dev.signet.ca.ecsign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.ca.CaProviders;
import dev.signet.common.crypto.KeyType;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class P256ContentSignerTest {
  static final BigInteger N = P256FixedBaseMultiplier.P256.getN();

  static byte[] sign(ECPrivateKeyParameters key, byte[] message) throws Exception {
    ContentSigner signer = new P256ContentSigner(key, new SecureRandom());
    try (OutputStream out = signer.getOutputStream()) {
      out.write(message);
    }
    return signer.getSignature();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SunEC", "BC"})
  void everySignatureVerifiesWithBouncyCastleAndSunEc(String keyProvider) throws Exception {
    KeyPairGenerator generator = keyProvider.equals("BC")
        ? KeyPairGenerator.getInstance("EC", CaProviders.BOUNCY_CASTLE) : KeyPairGenerator.getInstance("EC", "SunEC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    Random random = new Random(42);
    Set<BigInteger> rs = new HashSet<>();
    for (int keys = 0; keys < 4; keys++) {
      KeyPair pair = generator.generateKeyPair();
      ECPrivateKeyParameters key = P256ContentSigner.keyOf(pair.getPrivate()).orElseThrow();
      Signature bc = Signature.getInstance("SHA256withECDSA", CaProviders.BOUNCY_CASTLE);
      Signature sun = Signature.getInstance("SHA256withECDSA", "SunEC");
      for (int i = 0; i < 500; i++) {
        byte[] message = new byte[random.nextInt(700)];
        random.nextBytes(message);
        byte[] signature = sign(key, message);

        ASN1Sequence sequence = ASN1Sequence.getInstance(signature); // strict DER ECDSA-Sig-Value
        assertThat(sequence.size()).isEqualTo(2);
        BigInteger r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
        assertThat(r.signum()).isPositive();
        assertThat(r).isLessThan(N);
        assertThat(rs.add(r)).as("r repeats: a nonce was reused").isTrue();
        bc.initVerify(pair.getPublic());
        bc.update(message);
        assertThat(bc.verify(signature)).as("bouncycastle verifies signature %s", i).isTrue();
        sun.initVerify(pair.getPublic());
        sun.update(message);
        assertThat(sun.verify(signature)).as("sunec verifies signature %s", i).isTrue();
        if (i % 50 == 0) { // and a changed message does not
          message = message.length == 0 ? new byte[] {1} : message;
          message[0] ^= 1;
          sun.initVerify(pair.getPublic());
          sun.update(message);
          assertThat(sun.verify(signature)).isFalse();
        }
      }
    }
  }

  /** With RFC 6979 nonces both signers are deterministic, so the table signer must match BouncyCastle's exactly. */
  @Test
  void withDeterministicNoncesItMatchesBouncyCastlesSignerExactly() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      ECPrivateKeyParameters key = P256ContentSigner.keyOf(KeyType.EC_P256.generate().getPrivate()).orElseThrow();
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      ECDSASigner reference = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      reference.init(true, key);
      P256EcdsaSigner table = new P256EcdsaSigner(new HMacDSAKCalculator(new SHA256Digest()),
          P256FixedBaseMultiplier.instance());
      table.init(true, key);
      assertThat(table.generateSignature(hash)).isEqualTo(reference.generateSignature(hash));
    }
  }

  /** RFC 6979 appendix A.2.5, P-256, SHA-256, message "sample". */
  @Test
  void rfc6979Vector() {
    HexFormat hex = HexFormat.of();
    BigInteger x = new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
    ECPrivateKeyParameters key = new ECPrivateKeyParameters(x,
        new org.bouncycastle.crypto.params.ECDomainParameters(P256FixedBaseMultiplier.P256));
    SHA256Digest digest = new SHA256Digest();
    byte[] sample = "sample".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    digest.update(sample, 0, sample.length);
    byte[] hash = new byte[32];
    digest.doFinal(hash, 0);
    P256EcdsaSigner signer = new P256EcdsaSigner(new HMacDSAKCalculator(new SHA256Digest()),
        P256FixedBaseMultiplier.instance());
    signer.init(true, key);
    BigInteger[] rs = signer.generateSignature(hash);
    assertThat(rs[0]).isEqualTo(new BigInteger(1,
        hex.parseHex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716")));
    assertThat(rs[1]).isEqualTo(new BigInteger(1,
        hex.parseHex("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8")));
  }

  @Test
  void theAlgorithmIdentifierIsTheJcaSignersOne() throws Exception {
    KeyPair pair = KeyType.EC_P256.generate();
    ContentSigner jca = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(CaProviders.BOUNCY_CASTLE)
        .build(pair.getPrivate());
    ContentSigner ours = new P256ContentSigner(P256ContentSigner.keyOf(pair.getPrivate()).orElseThrow(),
        new SecureRandom());
    assertThat(ours.getAlgorithmIdentifier().getEncoded()).isEqualTo(jca.getAlgorithmIdentifier().getEncoded());
  }

  @ParameterizedTest
  @ValueSource(strings = {"secp256k1", "brainpoolP256r1", "secp384r1", "secp521r1"})
  void otherCurvesAreNotTakenForP256(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", CaProviders.BOUNCY_CASTLE);
    generator.initialize(new ECGenParameterSpec(curve));
    assertThat(P256ContentSigner.keyOf(generator.generateKeyPair().getPrivate())).isEmpty();
  }

  @Test
  void rsaKeysAreNotTaken() {
    assertThat(P256ContentSigner.keyOf(KeyType.RSA_2048.generate().getPrivate())).isEmpty();
  }
}
