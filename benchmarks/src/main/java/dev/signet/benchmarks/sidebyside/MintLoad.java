package dev.signet.benchmarks.sidebyside;

import java.nio.file.Path;
import java.util.List;

/**
 * MintX509SVID over the admin socket by our spire-api-sdk client ({@code spire-api-client mint},
 * tools/peers/spire-api-client), the generated Go client SPIRE's own CLI uses: several clients, each on its own
 * connection with its own CSR (the SPIFFE ID is the CSR's URI SAN). SVIDs per second and the server's CPU time per
 * SVID, twice: in the first seconds of the load (cold: a JVM server has not compiled its issuance path yet), and
 * after the warm-up {@link Throughput} gives every load (warm).
 */
record MintLoad(Throughput.Rate cold, Throughput.Rate warm) {
  static MintLoad measure(Path client, Path adminSocket, long serverPid, int clients, int seconds) {
    Throughput.Rate cold = rate(client, adminSocket, serverPid, clients, seconds);
    int rest = Throughput.warmUpSeconds(seconds) - seconds;
    if (rest > 0) {
      mint(client, adminSocket, clients, rest);
    }
    return new MintLoad(cold, rate(client, adminSocket, serverPid, clients, seconds));
  }

  private static Throughput.Rate rate(Path client, Path adminSocket, long serverPid, int clients, int seconds) {
    long cpuBefore = ProcessCpu.micros(serverPid);
    String out = mint(client, adminSocket, clients, seconds);
    long cpu = ProcessCpu.micros(serverPid) - cpuBefore;
    return new Throughput.Rate(GoPeerClient.number(out, "svids_per_second"),
        cpu / Math.max(1, GoPeerClient.number(out, "svids")));
  }

  private static String mint(Path client, Path adminSocket, int clients, int seconds) {
    return GoPeerClient.run(List.of(client.toString(), "mint", "-socket", adminSocket.toString(), "-clients",
        Integer.toString(clients), "-duration", seconds + "s", "-trust-domain", AdminApi.TRUST_DOMAIN));
  }
}
