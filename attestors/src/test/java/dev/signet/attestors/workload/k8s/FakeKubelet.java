package dev.signet.attestors.workload.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.signet.common.testing.TestCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A kubelet-shaped server on localhost: {@code GET /pods} answers a PodList JSON document, over HTTPS
 * (secure port: bearer token or, when {@code clientCa} is given, a client certificate) or plain HTTP
 * (read-only port). {@code podsJson} receives the 1-based request number, so a test can make a container
 * appear only after a few polls.
 */
public final class FakeKubelet implements AutoCloseable {
  private final HttpServer server;
  final AtomicInteger requests = new AtomicInteger();

  private FakeKubelet(HttpServer server, String token, IntFunction<String> podsJson) {
    this.server = server;
    server.createContext("/pods", exchange -> answer(exchange, token, podsJson));
    server.start();
  }

  public static FakeKubelet secure(TestCertificate.Issued serving, String token, TestCertificate.Issued clientCa,
      IntFunction<String> podsJson) throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0);
    SSLContext tls = SSLContext.getInstance("TLS");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("kubelet", serving.keyPair().getPrivate(), new char[0], new Certificate[] {serving.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(keys, new char[0]);
    TrustManagerFactory tmf = null;
    if (clientCa != null) {
      KeyStore cas = KeyStore.getInstance("PKCS12");
      cas.load(null, null);
      cas.setCertificateEntry("client-ca", clientCa.certificate());
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(cas);
    }
    tls.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        params.setNeedClientAuth(clientCa != null);
      }
    });
    return new FakeKubelet(server, token, podsJson);
  }

  public static FakeKubelet readOnly(IntFunction<String> podsJson) throws IOException {
    return new FakeKubelet(HttpServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0),
        null, podsJson);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void answer(HttpExchange exchange, String token, IntFunction<String> podsJson) throws IOException {
    int n = requests.incrementAndGet();
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    boolean authorized = token == null || ("Bearer " + token).equals(auth);
    byte[] body = (authorized ? podsJson.apply(n) : "Unauthorized").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
