package dev.signet.agent.sds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.PendingIdentity;
import dev.signet.agent.workload.TestIdentities;
import dev.signet.agent.workload.WorkloadView;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.grpc.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resource names to Secrets, from one caller's view; the trust decisions of SDS. */
class SecretResolverTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final TestIdentities FED = new TestIdentities("fed.test");
  private static final TestIdentities OTHER_FED = new TestIdentities("other.test");
  private static final CachedIdentity WEB = TD.identity("e-web", "/web", "", List.of(FED.trustDomain), "unix:uid:1000");
  private static final CachedIdentity WEB_ADMIN = TD.identity("e-admin", "/web-admin", "", "unix:uid:1000");
  private static final CachedIdentity DB = TD.identity("e-db", "/db", "", List.of(OTHER_FED.trustDomain), "unix:uid:2000");
  private static final IdentitySnapshot SNAPSHOT = new IdentitySnapshot(TD.bundle,
      Map.of(FED.trustDomain, FED.bundle, OTHER_FED.trustDomain, OTHER_FED.bundle), List.of(WEB, WEB_ADMIN, DB));
  private static final WorkloadView WEB_VIEW = SNAPSHOT.viewFor(Set.of(Selector.parse("unix:uid:1000")));
  private static final WorkloadView NOBODY = SNAPSHOT.viewFor(Set.of(Selector.parse("unix:uid:3000")));

  private static SecretResolver.Resolution resolve(WorkloadView view, boolean validator, String... names)
      throws StatusException {
    return SecretResolver.resolve(SdsConfig.DEFAULT, validator, List.of(names), view);
  }

  private static List<String> names(SecretResolver.Resolution resolution) {
    return resolution.secrets().stream().map(Secret::getName).toList();
  }

  private static String pem(com.google.protobuf.ByteString bytes) {
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void defaultIsTheFirstSvidWithItsChainAndKey() throws StatusException {
    Secret secret = resolve(WEB_VIEW, true, "default").secrets().getFirst();
    assertThat(secret.getName()).isEqualTo("default");
    assertThat(PemCodec.decodeCertificates(pem(secret.getTlsCertificate().getCertificateChain().getInlineBytes())))
        .isEqualTo(WEB.svid().chain());
    assertThat(PemCodec.decodePrivateKey(pem(secret.getTlsCertificate().getPrivateKey().getInlineBytes())))
        .isEqualTo(WEB.svid().privateKey());
  }

  @Test
  void rootcaIsTheOwnBundleUnderTheSpiffeValidatorOrAsTrustedCa() throws Exception {
    Secret spiffe = resolve(WEB_VIEW, true, "ROOTCA").secrets().getFirst();
    assertThat(spiffe.getValidationContext().getCustomValidatorConfig().getName())
        .isEqualTo("envoy.tls.cert_validator.spiffe");
    SPIFFECertValidatorConfig config = spiffe.getValidationContext().getCustomValidatorConfig().getTypedConfig()
        .unpack(SPIFFECertValidatorConfig.class);
    assertThat(config.getTrustDomainsList()).extracting(SPIFFECertValidatorConfig.TrustDomain::getName)
        .containsExactly("example.org");
    assertThat(PemCodec.decodeCertificates(pem(config.getTrustDomains(0).getTrustBundle().getInlineBytes())))
        .isEqualTo(TD.bundle.x509Certificates());

    Secret plain = resolve(WEB_VIEW, false, "ROOTCA").secrets().getFirst();
    assertThat(plain.getValidationContext().hasCustomValidatorConfig()).isFalse();
    assertThat(PemCodec.decodeCertificates(pem(plain.getValidationContext().getTrustedCa().getInlineBytes())))
        .isEqualTo(TD.bundle.x509Certificates());
  }

  @Test
  void allHoldsTheOwnAndTheCallersFederatedBundlesOnly() throws InvalidProtocolBufferException, StatusException {
    Secret all = resolve(WEB_VIEW, true, "ALL").secrets().getFirst();
    SPIFFECertValidatorConfig config = all.getValidationContext().getCustomValidatorConfig().getTypedConfig()
        .unpack(SPIFFECertValidatorConfig.class);
    // other.test is federated with by another workload's entry: not this caller's
    assertThat(config.getTrustDomainsList()).extracting(SPIFFECertValidatorConfig.TrustDomain::getName)
        .containsExactly("example.org", "fed.test");
  }

  @Test
  void allWithoutTheValidatorIsAFailedPrecondition() {
    assertThatThrownBy(() -> resolve(WEB_VIEW, false, "ALL"))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining("\"ALL\" (all bundles) needs envoy's spiffe certificate validator");
  }

  @Test
  void noNamesMeansEveryBundleAndSvidUnderTheirIds() throws StatusException {
    assertThat(names(resolve(WEB_VIEW, true))).containsExactly("spiffe://example.org", "spiffe://fed.test",
        "spiffe://example.org/web", "spiffe://example.org/web-admin");
    assertThat(names(resolve(WEB_VIEW, true, ""))).hasSize(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "spiffe://example.org/web-admin, spiffe://example.org/web-admin",
      "spiffe://example.org, spiffe://example.org",
      "spiffe://fed.test, spiffe://fed.test",
      "ROOTCA, ROOTCA"})
  void aNameTheCallerHoldsIsServedUnderThatName(String requested, String served) throws StatusException {
    assertThat(names(resolve(WEB_VIEW, true, requested))).containsExactly(served);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "spiffe://example.org/db",   // another workload's SPIFFE ID
      "spiffe://other.test",       // a bundle only another workload federates with
      "spiffe://unknown.test",
      "spiffe://example.org/web/../db",
      "nonsense"})
  void aNameTheCallerIsNotEntitledToIsRefusedAndNothingIsServed(String requested) {
    assertThatThrownBy(() -> resolve(WEB_VIEW, true, "default", "ROOTCA", requested))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessage("INVALID_ARGUMENT: workload is not authorized for the requested identities [\"" + requested + "\"]");
  }

  @Test
  void tooManyNamesAreRefusedAndARefusalQuotesAFewNamesOnly() {
    String[] many = new String[SecretResolver.MAX_NAMES + 1];
    java.util.Arrays.fill(many, "ROOTCA");
    assertThatThrownBy(() -> resolve(WEB_VIEW, true, many))
        .hasMessage("INVALID_ARGUMENT: too many resource names: 257 (at most 256)");
    String[] unknown = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "n" + (char) ('a' + i))
        .toArray(String[]::new);
    assertThatThrownBy(() -> resolve(WEB_VIEW, true, unknown))
        .hasMessage("INVALID_ARGUMENT: workload is not authorized for the requested identities "
            + "[\"na\", \"nb\", \"nc\", \"nd\", \"ne\", \"nf\", \"ng\", \"nh\"] and 12 more");
  }

  @Test
  void aCallerMatchingNoEntryGetsBundlesButNoCertificate() throws StatusException {
    assertThat(names(resolve(NOBODY, true))).containsExactly("spiffe://example.org");
    assertThat(names(resolve(NOBODY, true, "ROOTCA"))).containsExactly("ROOTCA");
    assertThat(resolve(NOBODY, true).secrets()).noneMatch(Secret::hasTlsCertificate);
    assertThatThrownBy(() -> resolve(NOBODY, true, "default", "ROOTCA"))
        .hasMessageContaining("requested identities [\"default\"]");
    assertThatThrownBy(() -> resolve(NOBODY, true, "spiffe://example.org/web"))
        .hasMessageContaining("requested identities [\"spiffe://example.org/web\"]");
  }

  @Test
  void anSvidStillBeingIssuedIsAwaitedNotRefused() throws StatusException {
    PendingIdentity pending = new PendingIdentity("e-late", TD.trustDomain.id("/late"),
        Set.of(Selector.parse("unix:uid:4000")), "", List.of());
    WorkloadView view = new IdentitySnapshot(TD.bundle, Map.of(), List.of(), List.of(pending))
        .viewFor(Set.of(Selector.parse("unix:uid:4000")));
    SecretResolver.Resolution byDefault = resolve(view, true, "default", "ROOTCA");
    assertThat(byDefault.complete()).isFalse();
    assertThat(byDefault.awaited()).containsExactly(pending);
    assertThat(resolve(view, true, "spiffe://example.org/late").complete()).isFalse();
    SecretResolver.Resolution everything = resolve(view, true);
    assertThat(everything.complete()).isTrue();
    assertThat(everything.awaited()).containsExactly(pending);
    assertThat(names(everything)).containsExactly("spiffe://example.org");
  }

  @Test
  void configuredNamesReplaceSpiresDefaults() throws StatusException {
    SdsConfig config = new SdsConfig("svid", "bundle", "bundles", false);
    List<String> served = SecretResolver.resolve(config, false, List.of("svid", "bundle"), WEB_VIEW).secrets()
        .stream().map(Secret::getName).toList();
    assertThat(served).containsExactly("bundle", "svid");
    assertThatThrownBy(() -> SecretResolver.resolve(config, false, List.of("default"), WEB_VIEW))
        .hasMessageContaining("[\"default\"]");
  }
}
