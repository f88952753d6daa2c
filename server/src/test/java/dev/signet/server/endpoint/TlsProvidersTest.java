package dev.signet.server.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/**
 * The agent endpoint and the gateway handshake with BoringSSL on the platforms whose netty-tcnative native
 * library we ship (linux-x86_64 here): if the library stops loading, this fails instead of the daemons quietly
 * falling back to the slower JDK provider. The surefire execution {@code jdk-tls} runs this test and {@code
 * AgentApiTest} again with Netty's {@code io.netty.handler.ssl.noOpenSsl} set, as on a platform without the
 * library: then the JDK's TLS is chosen and the agent endpoint still serves.
 */
class TlsProvidersTest {
  @Test
  void boringSslWhereItsNativeLibraryLoadsElseTheJdk() {
    if (Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl")) {
      assertThat(OpenSsl.isAvailable()).isFalse();
      assertThat(TlsProviders.provider()).isEqualTo(SslProvider.JDK);
    } else {
      assertThat(OpenSsl.isAvailable()).as("netty-tcnative: %s", OpenSsl.unavailabilityCause()).isTrue();
      assertThat(TlsProviders.provider()).isEqualTo(SslProvider.OPENSSL);
    }
  }

  @Test
  void sessionResumptionIsOffInBothImplementations() {
    TlsProviders.disableResumption();
    assertThat(TlsProviders.NO_RESUMPTION).allSatisfy((key, value) -> assertThat(System.getProperty(key))
        .as(key).isEqualTo("false"));
  }
}
