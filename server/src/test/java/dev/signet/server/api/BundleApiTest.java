package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.bundle.v1.BatchDeleteFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchDeleteFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesResponse;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.X509Certificate;
import io.grpc.Status;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Bundle API: our own bundle for anyone, federated bundles for admins. */
class BundleApiTest extends SharedServerTest {
  private static dev.signet.proto.spire.api.types.Bundle federated(String trustDomain) {
    TestCertificate.Issued ca = TestCertificate.ca(trustDomain).validity(Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(86400)).issue();
    try {
      return dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain(trustDomain)
          .addX509Authorities(X509Certificate.newBuilder().setAsn1(ByteString.copyFrom(ca.certificate().getEncoded())))
          .build();
    } catch (CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void getBundleReturnsTheCasX509AndJwtAuthoritiesToAnyone() {
    var proto = BundleGrpc.newBlockingStub(fixture.anonymous()).withDeadlineAfter(20, TimeUnit.SECONDS)
        .getBundle(GetBundleRequest.getDefaultInstance());
    Bundle bundle = BundleProtos.fromProto(proto);

    assertThat(bundle.trustDomain()).isEqualTo(ServerFixture.TD);
    assertThat(bundle.x509Authorities()).isNotEmpty();
    assertThat(bundle.x509Authorities()).allSatisfy(a -> {
      assertThat(a.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
      assertThat(a.certificate().getSubjectX500Principal().getName()).contains("O=SPIFFE");
    });
    assertThat(bundle.jwtAuthorities()).isNotEmpty();
    assertThat(bundle.jwtAuthorities()).allSatisfy(a -> assertThat(a.keyId()).isNotEmpty());
    assertThat(proto.getSequenceNumber()).isPositive();
    assertThat(proto).isEqualTo(fixture.adminBundles().getBundle(GetBundleRequest.getDefaultInstance()));
  }

  @Test
  void federatedBundlesCanBeSetListedAndDeleted() {
    BatchSetFederatedBundleResponse set = fixture.adminBundles().batchSetFederatedBundle(
        BatchSetFederatedBundleRequest.newBuilder()
            .addBundle(federated("alpha.test")).addBundle(federated("beta.test")).addBundle(federated("gamma.test"))
            .build());
    assertThat(set.getResultsList()).allSatisfy(r -> assertThat(r.getStatus().getCode()).isZero());
    assertThat(set.getResults(0).getBundle().getTrustDomain()).isEqualTo("alpha.test");

    List<String> listed = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListFederatedBundlesResponse page = fixture.adminBundles().listFederatedBundles(ListFederatedBundlesRequest
          .newBuilder().setPageSize(2).setPageToken(token).build());
      page.getBundlesList().forEach(b -> listed.add(b.getTrustDomain()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 10);
    assertThat(listed).contains("alpha.test", "beta.test", "gamma.test").doesNotContain("example.org");

    BatchDeleteFederatedBundleResponse deleted = fixture.adminBundles().batchDeleteFederatedBundle(
        BatchDeleteFederatedBundleRequest.newBuilder().addTrustDomains("beta.test").addTrustDomains("never.test")
            .addTrustDomains("example.org").build());
    assertThat(deleted.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(
        0, Status.Code.NOT_FOUND.value(), Status.Code.INVALID_ARGUMENT.value());
    assertThat(fixture.adminBundles().listFederatedBundles(ListFederatedBundlesRequest.getDefaultInstance())
        .getBundlesList()).extracting(b -> b.getTrustDomain()).contains("alpha.test", "gamma.test")
        .doesNotContain("beta.test");
  }

  @Test
  void aSetFederatedBundleKeepsTheSequenceNumberItCameWithAsInSpire() {
    var pem = fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(federated("sequence.test")).build()).getResults(0).getBundle();
    assertThat(pem.getSequenceNumber()).as("a PEM bundle has no sequence number: 0, as spire-server stores it")
        .isZero();

    var numbered = fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(federated("sequence.test").toBuilder().setSequenceNumber(7)).build()).getResults(0).getBundle();
    assertThat(numbered.getSequenceNumber()).isEqualTo(7);
    assertThat(fixture.adminBundles().getFederatedBundle(GetFederatedBundleRequest.newBuilder()
        .setTrustDomain("sequence.test").build()).getSequenceNumber()).isEqualTo(7);
  }

  @Test
  void aFederatedBundleThatEntriesFederateWithIsAFailedPreconditionToDeleteInRestrictMode() {
    fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(federated("in-use.test")).build());
    fixture.createEntry(dev.signet.proto.spire.api.types.Entry.newBuilder()
        .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain("example.org").setPath("/in-use/web"))
        .setParentId(SPIFFEID.newBuilder().setTrustDomain("example.org").setPath("/in-use/node"))
        .addSelectors(dev.signet.proto.spire.api.types.Selector.newBuilder().setType("unix").setValue("uid:1"))
        .addFederatesWith("in-use.test").build());

    BatchDeleteFederatedBundleResponse refused = fixture.adminBundles().batchDeleteFederatedBundle(
        BatchDeleteFederatedBundleRequest.newBuilder().addTrustDomains("in-use.test").build());

    assertThat(refused.getResults(0).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    assertThat(refused.getResults(0).getStatus().getMessage()).contains("in-use.test");
  }

  @Test
  void aFederatedBundleForOurOwnTrustDomainIsRefused() {
    var before = fixture.adminBundles().getBundle(GetBundleRequest.getDefaultInstance());

    BatchSetFederatedBundleResponse response = fixture.adminBundles().batchSetFederatedBundle(
        BatchSetFederatedBundleRequest.newBuilder().addBundle(federated("example.org")).build());

    assertThat(response.getResults(0).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(fixture.adminBundles().getBundle(GetBundleRequest.getDefaultInstance()))
        .as("our own bundle is untouched").isEqualTo(before);
  }

  @Test
  void malformedFederatedBundlesAreRefusedPerItem() {
    BatchSetFederatedBundleResponse response = fixture.adminBundles().batchSetFederatedBundle(
        BatchSetFederatedBundleRequest.newBuilder()
            .addBundle(dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain("empty.test"))
            .addBundle(federated("delta.test").toBuilder().setTrustDomain("Not A Domain"))
            .addBundle(dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain("junk.test")
                .addX509Authorities(X509Certificate.newBuilder().setAsn1(ByteString.copyFromUtf8("junk"))))
            .addBundle(federated("delta.test"))
            .build());
    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(
        Status.Code.INVALID_ARGUMENT.value(), Status.Code.INVALID_ARGUMENT.value(),
        Status.Code.INVALID_ARGUMENT.value(), 0);
  }
}
