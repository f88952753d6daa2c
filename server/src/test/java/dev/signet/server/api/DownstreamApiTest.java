package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.TD;
import static dev.signet.server.api.ServerFixture.entry;
import static dev.signet.server.api.StatusAssertions.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.PublishJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.bundle.v1.PublishJWTAuthorityResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CARequest;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CAResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.JWTKey;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The upstream half of SPIRE's nested topology over the real TCP endpoint: {@code NewDownstreamX509CA} and
 * {@code PublishJWTAuthority} for a caller whose X509-SVID belongs to a {@code downstream} entry, and every way we
 * could think of to get a CA or publish a key without being one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownstreamApiTest {
  private ServerFixture fixture;
  private ServerFixture.Identity agent;
  private ServerFixture.Identity downstream;

  @BeforeAll
  void start() throws Exception {
    fixture = new ServerFixture();
    agent = fixture.attestNewAgent();
    downstream = workloadSvid(entry("/nested/downstream-server", agent.id()).setDownstream(true).build());
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private ServerFixture.Identity workloadSvid(Entry spec) {
    Entry created = fixture.createEntry(spec);
    KeyPair key = KeyType.EC_P256.generate();
    var result = SVIDGrpc.newBlockingStub(fixture.mtls(agent)).withDeadlineAfter(20, TimeUnit.SECONDS)
        .batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder().addParams(NewX509SVIDParams.newBuilder()
            .setEntryId(created.getId()).setCsr(ByteString.copyFrom(Csrs.forKey(key)))).build()).getResults(0);
    assertThat(result.getStatus().getCode()).isZero();
    return new ServerFixture.Identity(TD.id(spec.getSpiffeId().getPath()), key, SvidProtos.chainOf(result.getSvid()));
  }

  private static SVIDGrpc.SVIDBlockingStub svids(ManagedChannel channel) {
    return SVIDGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static BundleGrpc.BundleBlockingStub bundles(ManagedChannel channel) {
    return BundleGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static NewDownstreamX509CARequest caRequest(byte[] csr, int preferredTtl) {
    return NewDownstreamX509CARequest.newBuilder().setCsr(ByteString.copyFrom(csr)).setPreferredTtl(preferredTtl)
        .build();
  }

  private static List<X509Certificate> certificates(List<ByteString> der) {
    return der.stream().map(b -> DerCodec.parseCertificate(b.toByteArray())).toList();
  }

  @Test
  void aDownstreamServerGetsAnIntermediateCaWithItsPreferredTtlChainingToOurRoots() throws Exception {
    KeyPair caKey = KeyType.EC_P256.generate();
    NewDownstreamX509CAResponse response = svids(fixture.mtls(downstream))
        .newDownstreamX509CA(caRequest(Csrs.create(caKey, TD.id(), List.of()), 3600));

    List<X509Certificate> chain = certificates(response.getCaCertChainList());
    List<X509Certificate> roots = certificates(response.getX509AuthoritiesList());
    assertThat(roots).containsExactlyInAnyOrderElementsOf(
        fixture.bundle().x509Authorities().stream().map(X509Authority::certificate).toList());
    X509Certificate ca = chain.getFirst();
    assertThat(ca.getPublicKey()).isEqualTo(caKey.getPublic());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
        .containsExactly("spiffe://example.org");
    assertThat(ca.getSubjectX500Principal().getName()).contains("OU=DOWNSTREAM-1");
    X509Certificate issuer = chain.size() > 1 ? chain.get(1) : roots.stream()
        .filter(r -> r.getSubjectX500Principal().equals(ca.getIssuerX500Principal())).findFirst().orElseThrow();
    ca.verify(issuer.getPublicKey());
    // the fixture's clock stands still: NotBefore is now - 10 s, NotAfter now + preferred_ttl
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofSeconds(3600 + 10));
    assertThat(fixture.auditLines()).anySatisfy(line -> assertThat(line).contains("ca.x509.downstream.issue")
        .contains(downstream.id().toString()).contains(ca.getSerialNumber().toString(16)));
  }

  @Test
  void withoutAPreferredTtlTheCaLivesAsLongAsOurActiveCa() {
    NewDownstreamX509CAResponse response = svids(fixture.mtls(downstream))
        .newDownstreamX509CA(caRequest(Csrs.create(KeyType.EC_P256.generate(), null, List.of()), 0));
    X509Certificate ca = certificates(response.getCaCertChainList()).getFirst();
    X509Certificate root = certificates(response.getX509AuthoritiesList()).stream()
        .filter(r -> r.getSubjectX500Principal().equals(ca.getIssuerX500Principal())).findFirst().orElseThrow();
    // ca_ttl (24 h) from now reaches our CA's own expiry, where it is capped
    assertThat(ca.getNotAfter()).isEqualTo(root.getNotAfter());
  }

  @Test
  void callersWithoutADownstreamEntryGetNoCa() {
    byte[] csr = Csrs.create(KeyType.EC_P256.generate(), TD.id(), List.of());
    ServerFixture.Identity plain = workloadSvid(entry("/nested/plain-workload", agent.id()).build());
    ServerFixture.Identity admin = workloadSvid(entry("/nested/admin-tool", agent.id()).setAdmin(true).build());
    for (ManagedChannel channel : List.of(fixture.mtls(plain), fixture.mtls(admin), fixture.mtls(agent),
        fixture.anonymous(), fixture.admin)) {
      assertCode(() -> svids(channel).newDownstreamX509CA(caRequest(csr, 0)), Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void aDownstreamWhoseEntryIsDeletedIsRefusedWithTheSameSvid() {
    Entry created = fixture.createEntry(entry("/nested/retired-server", agent.id()).setDownstream(true).build());
    KeyPair key = KeyType.EC_P256.generate();
    var issued = svids(fixture.mtls(agent)).batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder()
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(created.getId())
            .setCsr(ByteString.copyFrom(Csrs.forKey(key)))).build()).getResults(0);
    ServerFixture.Identity retired = new ServerFixture.Identity(TD.id("/nested/retired-server"), key,
        SvidProtos.chainOf(issued.getSvid()));
    byte[] csr = Csrs.create(KeyType.EC_P256.generate(), TD.id(), List.of());
    assertThat(svids(fixture.mtls(retired)).newDownstreamX509CA(caRequest(csr, 60)).getCaCertChainCount()).isPositive();

    fixture.adminEntries().batchDeleteEntry(BatchDeleteEntryRequest.newBuilder().addIds(created.getId()).build());

    assertCode(() -> svids(fixture.mtls(retired)).newDownstreamX509CA(caRequest(csr, 60)),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void csrsThatAreNotAProperCaRequestForOurTrustDomainAreInvalid() {
    KeyPair key = KeyType.EC_P256.generate();
    byte[] signed = Csrs.create(key, TD.id(), List.of());
    byte[] badSignature = signed.clone();
    badSignature[badSignature.length - 2] ^= 0x5a;
    List<byte[]> bad = List.of(
        Csrs.create(key, SpiffeId.parse("spiffe://other.org"), List.of()),
        Csrs.create(key, TD.id("/workload"), List.of()),
        Csrs.create(key, TD.id(), List.of("downstream.example.org")),
        badSignature,
        new byte[] {0x30, 0x03, 0x02, 0x01, 0x00},
        new byte[0]);
    ManagedChannel channel = fixture.mtls(downstream);
    for (byte[] csr : bad) {
      assertCode(() -> svids(channel).newDownstreamX509CA(caRequest(csr, 0)), Status.Code.INVALID_ARGUMENT);
    }
    assertCode(() -> svids(channel).newDownstreamX509CA(caRequest(signed, -1)), Status.Code.INVALID_ARGUMENT);
  }

  private static JWTKey jwtKey(String keyId, KeyPair key) {
    return JWTKey.newBuilder().setKeyId(keyId).setPublicKey(ByteString.copyFrom(key.getPublic().getEncoded()))
        .setExpiresAt(java.time.Instant.now().plusSeconds(3600).getEpochSecond()).build();
  }

  @Test
  void aDownstreamJwtKeyJoinsOurBundleAndTheAnswerListsAllKeys() {
    KeyPair key = KeyType.EC_P256.generate();
    // one message for both calls: jwtKey reads the clock, and an expiry one second later is another authority
    JWTKey published = jwtKey("downstream-key-1", key);
    PublishJWTAuthorityResponse response = bundles(fixture.mtls(downstream)).publishJWTAuthority(
        PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(published).build());

    Bundle bundle = fixture.bundle();
    assertThat(bundle.findJwtAuthority("downstream-key-1")).map(JwtAuthority::publicKey).contains(key.getPublic());
    assertThat(response.getJwtAuthoritiesList()).extracting(JWTKey::getKeyId)
        .containsExactlyInAnyOrderElementsOf(bundle.jwtAuthorities().stream().map(JwtAuthority::keyId).toList())
        .contains("downstream-key-1").hasSizeGreaterThan(1);

    // publishing the same key again changes nothing
    long sequence = bundle.sequenceNumber();
    bundles(fixture.mtls(downstream)).publishJWTAuthority(
        PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(published).build());
    assertThat(fixture.bundle().sequenceNumber()).isEqualTo(sequence);
  }

  @Test
  void jwtKeysThatDoNotParseOrReuseAKeyIdAreInvalid() {
    KeyPair key = KeyType.EC_P256.generate();
    ManagedChannel channel = fixture.mtls(downstream);
    bundles(channel).publishJWTAuthority(PublishJWTAuthorityRequest.newBuilder()
        .setJwtAuthority(jwtKey("downstream-key-2", key)).build());
    List<PublishJWTAuthorityRequest> bad = List.of(
        PublishJWTAuthorityRequest.getDefaultInstance(),
        PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(jwtKey("", key)).build(),
        PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(jwtKey("garbage", key).toBuilder()
            .setPublicKey(ByteString.copyFromUtf8("not a key"))).build(),
        PublishJWTAuthorityRequest.newBuilder().setJwtAuthority(jwtKey("downstream-key-2",
            KeyType.EC_P256.generate())).build());
    for (PublishJWTAuthorityRequest request : bad) {
      assertCode(() -> bundles(channel).publishJWTAuthority(request), Status.Code.INVALID_ARGUMENT);
    }
    assertThat(fixture.bundle().findJwtAuthority("downstream-key-2")).map(JwtAuthority::publicKey)
        .contains(key.getPublic());
  }

  @Test
  void callersWithoutADownstreamEntryCannotPublishJwtKeys() {
    ServerFixture.Identity plain = workloadSvid(entry("/nested/plain-publisher", agent.id()).build());
    PublishJWTAuthorityRequest request = PublishJWTAuthorityRequest.newBuilder()
        .setJwtAuthority(jwtKey("intruder-key", KeyType.EC_P256.generate())).build();
    for (ManagedChannel channel : List.of(fixture.mtls(plain), fixture.mtls(agent), fixture.anonymous(),
        fixture.admin)) {
      assertCode(() -> bundles(channel).publishJWTAuthority(request), Status.Code.PERMISSION_DENIED);
    }
    assertThat(fixture.bundle().findJwtAuthority("intruder-key")).isEmpty();
  }
}
