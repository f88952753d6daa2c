package dev.signet.gateway.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.gateway.TestPki;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The gateway handshakes with BoringSSL on the platforms whose netty-tcnative native library it ships
 * (linux-x86_64 here): if the library stops loading, this fails instead of the gateway quietly falling back
 * to the slower JDK provider. Resumption being off on both providers is shown by {@code InboundTcpTest}.
 */
class TlsContextsTest {
  @Test
  void boringSslIsUsedWhereItsNativeLibraryIsShipped() throws Exception {
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative: %s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(dev.signet.server.endpoint.TlsProviders.provider()).isEqualTo(SslProvider.OPENSSL);
    TestPki pki = new TestPki("example.org");
    assertThat(TlsContexts.server(pki.context("/gateway"), Set.of(), TestPki.CLOCK))
        .isInstanceOf(io.netty.handler.ssl.ReferenceCountedOpenSslContext.class);
    assertThat(TlsContexts.client(pki.context("/gateway"), pki.trustDomain.id("/db"), TestPki.CLOCK))
        .isInstanceOf(io.netty.handler.ssl.ReferenceCountedOpenSslContext.class);
  }
}
