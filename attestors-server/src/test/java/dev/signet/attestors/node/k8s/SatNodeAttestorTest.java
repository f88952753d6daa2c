package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationException.Kind;
import dev.signet.common.bundle.PemCodec;
import dev.signet.attestors.node.AgentNodeAttestors;
import dev.signet.common.config.ConfigException;
import dev.signet.common.plugin.PluginHarness;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.time.ManualClock;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s_sat with local token verification: real service account tokens signed with test keys, and every way a
 * token can fail to prove an allowed service account. Both halves: the agent's payload from its token file.
 */
class SatNodeAttestorTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final KeyPair RSA = SatTokens.rsa();
  private static final KeyPair EC = SatTokens.ec();
  private static final UUID AGENT_UUID = UUID.fromString("6a2b5c1e-0c3f-4f5e-9a7b-2d1c3e4f5a6b");

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));

  private SatNodeAttestor attestor(String... allowed) {
    SatCluster cluster = new SatCluster("prod", Set.of(allowed), false, "", List.of(RSA.getPublic(), EC.getPublic()));
    return new SatNodeAttestor(Map.of("prod", cluster), Map.of(), clock, () -> AGENT_UUID);
  }

  private byte[] payload(String cluster, String token) throws Exception {
    Path file = temp.resolve("token");
    Files.writeString(file, token);
    return new K8sTokenAttestorClient(SatNodeAttestor.NAME, cluster, file).payload();
  }

  private AttestResult attest(String token) throws Exception {
    return attestor("spire:spire-agent").attest(TD, payload("prod", token), c -> new byte[0]);
  }

  @Test
  void aLegacyTokenOfAnAllowedAccountIsAttestedOnceWithAFreshUuid() throws Exception {
    AttestResult result = attest(SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), RSA));

    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/k8s_sat/prod/" + AGENT_UUID);
    assertThat(result.selectors()).extracting(Selector::toString).containsExactly(
        "k8s_sat:cluster:prod", "k8s_sat:agent_ns:spire", "k8s_sat:agent_sa:spire-agent");
    assertThat(result.canReattest()).isFalse();
  }

  @Test
  void aBoundTokenSignedWithAnEcKeyIsAcceptedWithinItsLifetimeAndLeeway() throws Exception {
    String token = SatTokens.sign(SatTokens.bound("spire", "spire-agent", clock.instant()), EC);
    assertThat(attest(token).selectors()).contains(new Selector("k8s_sat", "agent_sa:spire-agent"));

    clock.advance(Duration.ofSeconds(3607).plus(SatTokenVerifier.LEEWAY).minusSeconds(1));
    assertThat(attest(token).canReattest()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertRefused(() -> attest(token), Kind.PERMISSION_DENIED, "expired");
  }

  @Test
  void withAudiencesConfiguredABoundTokenForAnotherServiceIsRefused() throws Exception {
    SatCluster cluster = new SatCluster("prod", Set.of("spire:spire-agent"), false, "", List.of(EC.getPublic()),
        List.of("spire-server"));
    SatNodeAttestor strict = new SatNodeAttestor(Map.of("prod", cluster), Map.of(), clock, () -> AGENT_UUID);
    String forVault = SatTokens.sign(SatTokens.bound("spire", "spire-agent", clock.instant()).audience("vault"), EC);
    assertRefused(() -> strict.attest(TD, payload("prod", forVault), c -> new byte[0]), Kind.PERMISSION_DENIED,
        "audiences");
    String forUs = SatTokens.sign(SatTokens.bound("spire", "spire-agent", clock.instant()).audience("spire-server"), EC);
    assertThat(strict.attest(TD, payload("prod", forUs), c -> new byte[0]).agentId().toString()).contains("k8s_sat/prod");
  }

  @Test
  void aTokenNotYetValidIsRefused() {
    String token = SatTokens.sign(SatTokens.bound("spire", "spire-agent", clock.instant().plus(Duration.ofMinutes(10))), EC);
    assertRefused(() -> attest(token), Kind.PERMISSION_DENIED, "not valid before");
  }

  @Test
  void tamperedTokensAndTokensOfOtherKeysAreRefused() throws Exception {
    String token = SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), RSA);
    String[] parts = token.split("\\.");
    String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        SatTokens.legacy("kube-system", "spire-agent").build().toString().getBytes(StandardCharsets.UTF_8));
    assertRefused(() -> attest(parts[0] + "." + otherClaims + "." + parts[2]), Kind.PERMISSION_DENIED, "signature");
    char last = parts[2].charAt(10);
    String flipped = parts[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + parts[2].substring(11);
    assertRefused(() -> attest(parts[0] + "." + parts[1] + "." + flipped), Kind.PERMISSION_DENIED, "signature");

    assertRefused(() -> attest(SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), SatTokens.rsa())),
        Kind.PERMISSION_DENIED, "signature");
    assertRefused(() -> attest(SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), SatTokens.ec())),
        Kind.PERMISSION_DENIED, "signature");
  }

  @Test
  void unsignedAndHmacTokensAreNotEvenConsidered() {
    String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        SatTokens.legacy("spire", "spire-agent").build().toString().getBytes(StandardCharsets.UTF_8));
    assertRefused(() -> attest(header("none") + "." + claims + "."), Kind.INVALID_ARGUMENT, "");
    assertRefused(() -> attest(header("HS256") + "." + claims + ".c2ln"), Kind.INVALID_ARGUMENT, "HS256");
    assertRefused(() -> attest("not-a-jwt"), Kind.INVALID_ARGUMENT, "not a signed JWT");
  }

  private static String header(String alg) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLegacyTokenOfAnotherIssuerIsRefused() {
    JWTClaimsSet.Builder claims = SatTokens.legacy("spire", "spire-agent").issuer("https://idp.example.org");
    assertRefused(() -> attest(SatTokens.sign(claims, RSA)), Kind.PERMISSION_DENIED, "issuer");
    assertRefused(() -> attest(SatTokens.sign(SatTokens.legacy("spire", "spire-agent").issuer(null), RSA)),
        Kind.PERMISSION_DENIED, "issuer");
  }

  @Test
  void accountsOffTheAllowListClustersNotConfiguredAndAmbiguousClaimsAreRefused() {
    String other = SatTokens.sign(SatTokens.legacy("default", "spire-agent"), RSA);
    assertRefused(() -> attest(other), Kind.PERMISSION_DENIED, "\"default:spire-agent\" is not allowed");
    String good = SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), RSA);
    assertRefused(() -> attestor("spire:spire-agent").attest(TD, payload("staging", good), c -> new byte[0]),
        Kind.PERMISSION_DENIED, "\"staging\" is not configured");
    JWTClaimsSet.Builder both = SatTokens.legacy("spire", "spire-agent")
        .claim("kubernetes.io", Map.of("namespace", "kube-system"));
    assertRefused(() -> attest(SatTokens.sign(both, RSA)), Kind.INVALID_ARGUMENT, "two claims");
    JWTClaimsSet.Builder nameless = SatTokens.legacy("spire", "spire-agent")
        .claim("kubernetes.io/serviceaccount/service-account.name", null);
    assertRefused(() -> attest(SatTokens.sign(nameless, RSA)), Kind.INVALID_ARGUMENT, "no service account name");
  }

  @Test
  void keysComeFromEveryPublicKeyAndCertificateBlockOfTheKeyFile() throws Exception {
    KeyPair certified = SatTokens.ec();
    String pem = PemCodec.encodePrivateKey(SatTokens.ec().getPrivate()) // a private key block is skipped
        + rsaPublicKeyBlock(RSA) + PemCodec.encodeCertificate(new JcaX509CertificateConverter().getCertificate(
            new JcaX509v3CertificateBuilder(new X500Name("CN=sa"), BigInteger.ONE, Date.from(clock.instant()),
                Date.from(clock.instant().plus(Duration.ofDays(1))), new X500Name("CN=sa"), certified.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(certified.getPrivate()))));
    Path keyFile = Files.writeString(temp.resolve("sa.pem"), pem);
    SatNodeAttestor attestor = SatNodeAttestor.create(config(Map.of("service_account_allow_list", List.of("spire:spire-agent"),
        "service_account_key_file", keyFile.toString())), clock);

    for (KeyPair key : List.of(RSA, certified)) {
      String token = SatTokens.sign(SatTokens.legacy("spire", "spire-agent"), key);
      assertThat(attestor.attest(TD, payload("prod", token), c -> new byte[0]).agentId().path())
          .matches("/spire/agent/k8s_sat/prod/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    }
  }

  private static String rsaPublicKeyBlock(KeyPair key) throws Exception {
    byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()).parsePublicKey().getEncoded();
    return "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
        + "\n-----END RSA PUBLIC KEY-----\n";
  }

  @Test
  void configNeedsAllowListsAndKeysOrTheTokenReviewApi() throws Exception {
    List<String> allowed = List.of("spire:spire-agent");
    assertConfigError(Map.of(), "at least one cluster");
    assertConfigError(Map.of("service_account_key_file", "/x"), "service_account_allow_list");
    assertConfigError(Map.of("service_account_allow_list", allowed), "service_account_key_file");
    assertConfigError(Map.of("service_account_allow_list", allowed, "service_account_key_file",
        temp.resolve("missing.pem").toString()), "cannot be read");
    Path empty = Files.writeString(temp.resolve("empty.pem"), PemCodec.encodePrivateKey(RSA.getPrivate()));
    assertConfigError(Map.of("service_account_allow_list", allowed, "service_account_key_file", empty.toString()),
        "no public keys");
    assertConfigError(Map.of("service_account_allow_list", allowed, "use_token_review_api_validation", true,
        "audiences", List.of("x")), "unknown keys");
    assertThatThrownBy(() -> PluginHarness.load(AgentNodeAttestors.CATALOG, "k8s_sat", Map.of("token_path", "/t")))
        .isInstanceOf(ConfigException.class).hasMessage("nodeattestor(k8s_sat): cluster is required");
    assertThat(K8sTokenAttestorClient.sat(ConfigSection.of("plugin_data", Map.of("cluster", "prod"))).name())
        .isEqualTo("k8s_sat");
  }

  private void assertConfigError(Map<String, Object> cluster, String message) {
    Map<String, Object> data = cluster.isEmpty() ? Map.of() : Map.of("clusters", Map.of("prod", cluster));
    assertThatThrownBy(() -> SatNodeAttestor.create(ConfigSection.of("plugin_data", data), clock))
        .isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  private static ConfigSection config(Map<String, Object> cluster) {
    return ConfigSection.of("plugin_data", Map.of("clusters", Map.of("prod", cluster)));
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Kind kind,
      String message) {
    assertThatThrownBy(call).isInstanceOf(AttestationException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(kind));
  }
}
