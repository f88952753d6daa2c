package dev.signet.common.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPIRE's names for RPC call counters and status labels, so SPIRE dashboards find Signet's series. */
class MetricNamesTest {

  @ParameterizedTest
  @CsvSource({
      "/spire.api.server.agent.v1.Agent/AttestAgent, rpc_agent_v1_agent_attest_agent",
      "/spire.api.server.svid.v1.SVID/BatchNewX509SVID, rpc_svid_v1_svid_batch_new_x509svid",
      "/spire.api.server.svid.v1.SVID/MintJWTSVID, rpc_svid_v1_svid_mint_jwtsvid",
      "/spire.api.server.svid.v1.SVID/NewDownstreamX509CA, rpc_svid_v1_svid_new_downstream_x509ca",
      "/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority, rpc_bundle_v1_bundle_publish_jwt_authority",
      "/spire.api.server.localauthority.v1.LocalAuthority/GetX509AuthorityState, "
          + "rpc_localauthority_v1_local_authority_get_x509_authority_state",
      "/spire.api.server.trustdomain.v1.TrustDomain/RefreshBundle, rpc_trustdomain_v1_trust_domain_refresh_bundle",
      "/spire.api.server.entry.v1.Entry/SyncAuthorizedEntries, rpc_entry_v1_entry_sync_authorized_entries",
      "/spire.api.agent.delegatedidentity.v1.DelegatedIdentity/FetchJWTSVIDs, rpc_delegated_identity_fetch_jwtsvi_ds",
      "/spire.api.agent.logger.v1.Logger/SetLogLevel, rpc_logger_set_log_level",
      "/spire.agent.debug.v1.Debug/GetInfo, rpc_debug_get_info",
      "/SpiffeWorkloadAPI/FetchX509SVID, rpc_workload_api_fetch_x509svid",
      "/SpiffeWorkloadAPI/FetchX509Bundles, rpc_workload_api_fetch_x509_bundles",
      "/SpiffeWorkloadAPI/FetchJWTBundles, rpc_workload_api_fetch_jwt_bundles",
      "/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets, rpc_sds_v3_stream_secrets",
      "/grpc.health.v1.Health/Check, rpc_health_check",
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo, "
          + "rpc_grpc_reflection_v1_server_reflection_server_reflection_info"})
  void rpcKeysAreSpires(String method, String key) {
    assertThat(MetricNames.rpcKey(method)).isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource({"One, one", "ABCDef, abc_def", "AbcDEF, abc_def", "OneTWOThree, one_two_three",
      "ONETwoTHREE, one_two_three", "v1, v1"})
  void snakeCaseBreaksWordsAsSpireDoes(String name, String snake) {
    assertThat(MetricNames.snake(name)).isEqualTo(snake);
  }

  @ParameterizedTest
  @CsvSource({"OK, OK", "PERMISSION_DENIED, PermissionDenied", "INVALID_ARGUMENT, InvalidArgument",
      "UNAVAILABLE, Unavailable", "CANCELLED, Canceled"})
  void statusLabelsUseGoNames(Status.Code code, String label) {
    assertThat(MetricNames.status(code)).isEqualTo(label);
  }
}
