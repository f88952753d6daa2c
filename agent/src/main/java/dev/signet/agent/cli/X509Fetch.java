package dev.signet.agent.cli;

import dev.signet.agent.helper.X509Material;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.files.AtomicFiles;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
   * like spire-agent. Security: every file is written to a 0600 temporary file and renamed into place, so a key
   * is never readable by others, not even for an instant.
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

  /** Written the way {@code helper} writes: whole, durably, with {@code mode} (see {@link AtomicFiles}). */
  private static void writeFile(Path file, String text, String mode) throws IOException {
    AtomicFiles.write(file, text.getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString(mode));
  }

  static List<X509Certificate> certificates(byte[] der) throws GeneralSecurityException {
    return X509Material.certificates(der);
  }

  private static PrivateKey privateKey(X509SVID svid) throws GeneralSecurityException {
    return X509Material.privateKey(svid);
  }
}
