package dev.signet.benchmarks.sidebyside;

import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * MintX509SVID over the admin socket by several clients, each on its own connection with its own CSR (the
 * SPIFFE ID is the CSR's URI SAN): SVIDs per second and the server's CPU time per SVID.
 */
final class MintLoad {
  private MintLoad() {}

  /**
   * The same load against a server already running, for profiling it alone: {@code MintLoad <admin socket>
   * <server pid> <clients> <seconds>} prints the rate and the server's CPU per SVID.
   */
  public static void main(String[] args) {
    Throughput.Rate rate = perSecond(Path.of(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2]),
        Integer.parseInt(args[3]));
    System.out.printf("MintX509SVID: %.0f SVIDs/s, server CPU %.0f us per SVID%n", rate.perSecond(),
        rate.serverCpuMicrosPerUnit());
  }

  static Throughput.Rate perSecond(Path adminSocket, long serverPid, int clients, int seconds) {
    List<AdminApi> connections = new ArrayList<>();
    List<IntSupplier> calls = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        AdminApi admin = new AdminApi(adminSocket);
        connections.add(admin);
        MintX509SVIDRequest request = MintX509SVIDRequest.newBuilder().setTtl(3600)
            .setCsr(ByteString.copyFrom(Csrs.create(KeyType.EC_P256.generate(),
                SpiffeId.parse(AdminApi.id("/mint/" + c)), List.of()))).build();
        calls.add(() -> admin.svid().mintX509SVID(request).getSvid().getCertChainCount() > 0 ? 1 : 0);
      }
      return Throughput.measure(calls, seconds, serverPid);
    } finally {
      connections.forEach(AdminApi::close);
    }
  }
}
