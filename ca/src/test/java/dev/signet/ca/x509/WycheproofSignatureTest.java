package dev.signet.ca.x509;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.signet.ca.x509.WycheproofVectors.Result;
import dev.signet.ca.x509.WycheproofVectors.Vector;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.svid.JwsVerifiers;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof known-answer tests against our two verification paths, on both providers: CSRs
 * ({@link CsrParser#publicKey} then {@link CsrParser#verify}: DER ECDSA-Sig-Value, PKCS#1 v1.5, PSS) and
 * JWT-SVIDs ({@link JwsVerifiers}: the IEEE P1363 r‖s form of JWS). Every "valid" vector must verify and
 * every "invalid" one must be refused (false, or the exception the caller turns into a refusal). Vectors
 * marked "acceptable" may go either way; what each provider did is printed, not asserted. In these files
 * there is one, rsa_signature_2048_sha256 #8 "MissingNull" (a PKCS#1 v1.5 DigestInfo without the NULL
 * parameters, which RFC 8017 allows verifiers to accept): ACCP refuses it, BouncyCastle accepts it.
 */
class WycheproofSignatureTest {
  private static final Map<String, ASN1ObjectIdentifier> ECDSA = Map.of("SHA-256", X9ObjectIdentifiers.ecdsa_with_SHA256,
      "SHA-384", X9ObjectIdentifiers.ecdsa_with_SHA384);
  private static final Map<String, ASN1ObjectIdentifier> HASHES = Map.of("SHA-256", NISTObjectIdentifiers.id_sha256,
      "SHA-384", NISTObjectIdentifiers.id_sha384);

  @AfterAll
  static void restoreDefault() {
    CryptoProviders.install(CryptoProviderMode.AUTO);
  }

  static Stream<Arguments> csrFiles() {
    return cross("ecdsa_secp256r1_sha256_test", "ecdsa_secp384r1_sha384_test", "rsa_signature_2048_sha256_test",
        "rsa_pss_2048_sha256_mgf1_32_test");
  }

  static Stream<Arguments> jwsFiles() {
    return cross("ecdsa_secp256r1_sha256_p1363_test", "ecdsa_secp384r1_sha384_p1363_test");
  }

  private static Stream<Arguments> cross(String... files) {
    return Stream.of(files).flatMap(file -> Stream.of(CryptoProviderMode.ACCP, CryptoProviderMode.BOUNCYCASTLE)
        .map(mode -> Arguments.of(file, mode)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("csrFiles")
  void csrVerificationPathMeetsWycheproof(String file, CryptoProviderMode mode) {
    CryptoProviders.install(mode);
    check(file, mode, vector -> {
      PublicKey key;
      try {
        key = CsrParser.publicKey(SubjectPublicKeyInfo.getInstance(vector.publicKeyDer()));
      } catch (InvalidCsrException e) {
        throw new AssertionError(vector + ": the group's key is refused: " + e.getMessage(), e);
      }
      try {
        return CsrParser.verify(algorithm(vector), key, vector.message(), vector.signature());
      } catch (GeneralSecurityException | IllegalArgumentException e) { // CsrParser refuses the CSR on these
        return false;
      }
    });
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("jwsFiles")
  void jwtSvidVerificationPathMeetsWycheproof(String file, CryptoProviderMode mode) {
    CryptoProviders.install(mode);
    check(file, mode, vector -> {
      try {
        PublicKey key = KeyFactory.getInstance("EC", CryptoProviders.signing())
            .generatePublic(new X509EncodedKeySpec(vector.publicKeyDer()));
        JWSAlgorithm algorithm = vector.hash().equals("SHA-256") ? JWSAlgorithm.ES256 : JWSAlgorithm.ES384;
        return JwsVerifiers.forKey(key).orElseThrow().verify(new JWSHeader(algorithm), vector.message(),
            Base64URL.encode(vector.signature()));
      } catch (JOSEException e) { // JwtSvidValidator refuses the token on this
        return false;
      } catch (GeneralSecurityException e) {
        throw new AssertionError(vector + ": the group's key is refused: " + e.getMessage(), e);
      }
    });
  }

  private interface Verification {
    boolean verifies(Vector vector);
  }

  private static void check(String file, CryptoProviderMode mode, Verification verification) {
    List<Vector> vectors = WycheproofVectors.load(file);
    List<String> wrong = new ArrayList<>();
    List<String> acceptable = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (Vector vector : vectors) {
      boolean verifies;
      try {
        verifies = verification.verifies(vector);
      } catch (RuntimeException e) { // an unexpected exception would be an INTERNAL error, not a refusal
        wrong.add(vector + ": threw " + e);
        continue;
      }
      switch (vector.result()) {
        case VALID -> {
          valid++;
          if (!verifies) {
            wrong.add(vector + ": refused");
          }
        }
        case INVALID -> {
          invalid++;
          if (verifies) {
            wrong.add(vector + ": accepted");
          }
        }
        case ACCEPTABLE -> acceptable.add(vector + (verifies ? ": accepted" : ": refused"));
      }
    }
    acceptable.forEach(line -> System.out.println("wycheproof on " + mode + ": " + line));
    assertThat(wrong).as("%s on %s", file, CryptoProviders.signing().getName()).isEmpty();
    assertThat(valid).as("valid vectors in %s", file).isPositive();
    assertThat(invalid).as("invalid vectors in %s", file).isPositive();
    assertThat(valid + invalid + acceptable.size()).isEqualTo(vectors.size());
  }

  private static AlgorithmIdentifier algorithm(Vector vector) {
    String type = vector.group().get("type").asText();
    return switch (type) {
      case "EcdsaVerify" -> new AlgorithmIdentifier(ECDSA.get(vector.hash()));
      case "RsassaPkcs1Verify" -> new AlgorithmIdentifier(vector.hash().equals("SHA-256")
          ? PKCSObjectIdentifiers.sha256WithRSAEncryption : PKCSObjectIdentifiers.sha384WithRSAEncryption);
      case "RsassaPssVerify" -> {
        AlgorithmIdentifier hash = new AlgorithmIdentifier(HASHES.get(vector.hash()), DERNull.INSTANCE);
        AlgorithmIdentifier mgfHash = new AlgorithmIdentifier(HASHES.get(vector.group().get("mgfSha").asText()),
            DERNull.INSTANCE);
        yield new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, new RSASSAPSSparams(hash,
            new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, mgfHash),
            new ASN1Integer(vector.group().get("sLen").asInt()), new ASN1Integer(1)));
      }
      default -> throw new IllegalArgumentException("unexpected wycheproof group type " + type);
    };
  }
}
