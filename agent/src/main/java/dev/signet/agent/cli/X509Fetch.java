package dev.signet.agent.cli;

import dev.signet.common.bundle.PemCodec;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code api fetch x509} and bare {@code api fetch} (as in spire-agent) do: the first FetchX509SVID
 * response, printed or written out as PEM files.
 */
abstract class X509Fetch implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-write", "--write"}, paramLabel = "DIR",
      description = "Write the SVIDs, keys and bundles to this directory instead of printing them")
  Path writeDir;

  @Option(names = {"-silent", "--silent"}, description = "Suppress stdout")
  boolean silent;

  @Option(names = {"-output", "--output"}, defaultValue = "pretty", description = "pretty or json")
  Output.Format output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    X509SVIDResponse response;
    try (WorkloadApiClient api = new WorkloadApiClient(client.socket(), client.timeoutDuration())) {
      response = api.workload().fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next();
    } catch (StatusRuntimeException e) {
      return Output.rpcError(spec.commandLine().getErr(), "error fetching X509-SVID", e, client.socket());
    }
    double millis = (System.nanoTime() - started) / 1e6;
    if (writeDir != null) {
      write(response);
    }
    if (silent) {
      return 0;
    }
    if (output == Output.Format.json) {
      out.println(Output.json(response));
    } else {
      print(out, response, millis);
    }
    out.flush();
    return 0;
  }

  static void print(PrintWriter out, X509SVIDResponse response, double millis) throws GeneralSecurityException {
    out.printf("Received %d svid after %.3fms%n%n", response.getSvidsCount(), millis);
    for (X509SVID svid : response.getSvidsList()) {
      List<X509Certificate> chain = certificates(svid.getX509Svid().toByteArray());
      out.println("SPIFFE ID:\t\t" + svid.getSpiffeId());
      if (!svid.getHint().isEmpty()) {
        out.println("Hint:\t\t\t" + svid.getHint());
      }
      out.println("SVID Valid After:\t" + Output.time(chain.getFirst().getNotBefore()));
      out.println("SVID Valid Until:\t" + Output.time(chain.getFirst().getNotAfter()));
      for (int i = 1; i < chain.size(); i++) {
        out.println("Intermediate #" + i + " Valid After:\t" + Output.time(chain.get(i).getNotBefore()));
        out.println("Intermediate #" + i + " Valid Until:\t" + Output.time(chain.get(i).getNotAfter()));
      }
      printCas(out, "", certificates(svid.getBundle().toByteArray()));
      for (Map.Entry<String, com.google.protobuf.ByteString> federated : response.getFederatedBundlesMap().entrySet()) {
        printCas(out, "[" + federated.getKey() + "] ", certificates(federated.getValue().toByteArray()));
      }
      out.println();
    }
  }

  private static void printCas(PrintWriter out, String prefix, List<X509Certificate> cas) {
    for (int i = 0; i < cas.size(); i++) {
      out.println(prefix + "CA #" + (i + 1) + " Valid After:\t" + Output.time(cas.get(i).getNotBefore()));
      out.println(prefix + "CA #" + (i + 1) + " Valid Until:\t" + Output.time(cas.get(i).getNotAfter()));
    }
  }

  /**
   * Writes {@code svid.N.pem}, {@code svid.N.key}, {@code bundle.N.pem} and {@code federated_bundle.N.M.pem}
   * like spire-agent. Security: key files are created 0600 before any key byte is written.
   */
  private void write(X509SVIDResponse response) throws IOException, GeneralSecurityException {
    Files.createDirectories(writeDir);
    PrintWriter out = spec.commandLine().getOut();
    for (int n = 0; n < response.getSvidsCount(); n++) {
      X509SVID svid = response.getSvids(n);
      writeFile(writeDir.resolve("svid." + n + ".pem"),
          PemCodec.encodeCertificates(certificates(svid.getX509Svid().toByteArray())), "rw-r--r--");
      writeFile(writeDir.resolve("svid." + n + ".key"), PemCodec.encodePrivateKey(privateKey(svid)), "rw-------");
      writeFile(writeDir.resolve("bundle." + n + ".pem"),
          PemCodec.encodeCertificates(certificates(svid.getBundle().toByteArray())), "rw-r--r--");
      int m = 0;
      for (com.google.protobuf.ByteString federated : response.getFederatedBundlesMap().values()) {
        writeFile(writeDir.resolve("federated_bundle." + n + "." + m++ + ".pem"),
            PemCodec.encodeCertificates(certificates(federated.toByteArray())), "rw-r--r--");
      }
      if (!silent) {
        out.println("Writing SVID #" + n + " to file " + writeDir.resolve("svid." + n + ".pem") + ".");
        out.println("Writing key #" + n + " to file " + writeDir.resolve("svid." + n + ".key") + ".");
        out.println("Writing bundle #" + n + " to file " + writeDir.resolve("bundle." + n + ".pem") + ".");
      }
    }
  }

  private static void writeFile(Path file, String text, String mode) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  static List<X509Certificate> certificates(byte[] der) throws GeneralSecurityException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  private static PrivateKey privateKey(X509SVID svid) throws GeneralSecurityException {
    byte[] pkcs8 = svid.getX509SvidKey().toByteArray();
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("the private key of \"" + svid.getSpiffeId() + "\" is neither EC nor RSA", last);
  }
}
