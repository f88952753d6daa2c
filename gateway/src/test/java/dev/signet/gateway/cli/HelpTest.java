package dev.signet.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.testing.HelpRequests;
import org.junit.jupiter.api.Test;

/** {@code -h}, {@code -help} and {@code --help} on every command of signet-gateway. */
class HelpTest {
  @Test
  void everyGatewayCommandPrintsItsUsageAndExitsZero() {
    assertThat(HelpRequests.assertEveryCommandPrintsHelp(GatewayMain::commandLine)).isEqualTo(3);
  }
}
