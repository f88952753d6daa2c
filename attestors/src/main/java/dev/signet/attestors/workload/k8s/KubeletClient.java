package dev.signet.attestors.workload.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lists the pods of this node from the kubelet ({@code GET /pods}): over the secure port with the
 * service-account token or a client certificate, verifying the kubelet against {@code kubelet_ca_path}
 * unless {@code skip_kubelet_verification}; or over the read-only port.
 */
final class KubeletClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final K8sAttestorConfig config;
  private final URI podsUrl;
  private final HttpClient http;

  KubeletClient(K8sAttestorConfig config) {
    this.config = config;
    boolean readOnly = config.readOnlyPort() > 0;
    String host = config.nodeName().contains(":") ? "[" + config.nodeName() + "]" : config.nodeName();
    this.podsUrl = URI.create((readOnly ? "http://" : "https://") + host + ":"
        + (readOnly ? config.readOnlyPort() : config.securePort()) + "/pods");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (!readOnly) {
      builder.sslContext(sslContext());
    }
    this.http = builder.build();
  }

  URI podsUrl() {
    return podsUrl;
  }

  /** The kubelet's pod list ({@code items}). */
  JsonNode pods() throws WorkloadAttestationException {
    HttpRequest.Builder request = HttpRequest.newBuilder(podsUrl).timeout(TIMEOUT).GET()
        .header("Accept", "application/json");
    if (config.readOnlyPort() == 0 && config.certificatePath() == null) {
      request.header("Authorization", "Bearer " + token());
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unavailable("cannot reach the kubelet at " + podsUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while listing pods from " + podsUrl, e);
    }
    if (response.statusCode() != 200) {
      throw unavailable("the kubelet at " + podsUrl + " answered HTTP " + response.statusCode()
          + (response.statusCode() == 401 || response.statusCode() == 403 ? " (check token_path and RBAC)" : ""),
          null);
    }
    try {
      return JSON.readTree(response.body()).path("items");
    } catch (IOException e) {
      throw unavailable("the kubelet at " + podsUrl + " sent a pod list that is not JSON", e);
    }
  }

  private String token() throws WorkloadAttestationException {
    try {
      return Files.readString(config.tokenPath()).strip();
    } catch (IOException e) {
      throw unavailable("cannot read the kubelet token " + config.tokenPath() + ": " + e.getMessage(), e);
    }
  }

  private SSLContext sslContext() {
    try {
      TrustManager[] trust = config.skipVerification() ? new TrustManager[] {new TrustAnyKubelet()}
          : trustManagers();
      KeyManager[] keys = config.certificatePath() == null ? null : keyManagers();
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cannot set up TLS to the kubelet: "
          + e.getMessage(), e);
    }
  }

  private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
    List<X509Certificate> cas = PemCodec.decodeCertificates(Files.readString(config.caPath()));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("kubelet-ca-" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
    List<X509Certificate> chain = PemCodec.decodeCertificates(Files.readString(config.certificatePath()));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("client", PemCodec.decodePrivateKey(Files.readString(config.privateKeyPath())), new char[0],
        chain.toArray(Certificate[]::new));
    // SunX509 copies the key out once at init; no keystore work happens per handshake.
    KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
    factory.init(store, new char[0]);
    return factory.getKeyManagers();
  }

  private static WorkloadAttestationException unavailable(String message, Throwable cause) {
    return new WorkloadAttestationException(Kind.UNAVAILABLE, message, cause);
  }

  /** {@code skip_kubelet_verification = true}: the operator chose to trust whatever answers. */
  private static final class TrustAnyKubelet extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
