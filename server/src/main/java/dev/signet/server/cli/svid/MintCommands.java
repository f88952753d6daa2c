package dev.signet.server.cli.svid;

import dev.signet.common.Durations;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintJWTSVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintJWTSVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDResponse;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import dev.signet.server.cli.bundle.BundlePem;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code x509 mint} and {@code jwt mint}: SVIDs minted by the server for an arbitrary ID (admin only). */
public final class MintCommands {
  private MintCommands() {}

  /** {@code x509 mint}. */
  @Command(name = "x509", description = "X509-SVID tools", subcommands = X509Mint.class)
  public static final class X509 {}

  /** {@code jwt mint}. */
  @Command(name = "jwt", description = "JWT-SVID tools", subcommands = JwtMint.class)
  public static final class Jwt {}

  /** Mints an X509-SVID with a fresh P-256 key and prints or writes SVID, key and bundle. */
  @Command(name = "mint", description = "Issue an X509-SVID for any ID, outside the registration entries")
  public static final class X509Mint extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, required = true, description = "SPIFFE ID to put in the certificate")
    String spiffeId;

    @Option(names = {"-dns", "--dns"}, description = "DNS SAN to include (repeatable)")
    List<String> dnsNames = new ArrayList<>();

    @Option(names = {"-ttl", "--ttl"}, description = "Lifetime, e.g. 1h (default: the server's)")
    String ttl;

    @Option(names = {"-write", "--write"}, description = "Write svid.pem, key.pem and bundle.pem to this directory instead of printing them")
    String write;

    @Override
    protected int run(AdminClient client, Printer out) {
      SpiffeId id = SpiffeId.parse(spiffeId);
      KeyPair keyPair = KeyType.EC_P256.generate();
      MintX509SVIDRequest.Builder request = MintX509SVIDRequest.newBuilder()
          .setCsr(ByteString.copyFrom(Csrs.create(keyPair, id, dnsNames)));
      if (ttl != null) {
        request.setTtl((int) Durations.parse(ttl).toSeconds());
      }
      MintX509SVIDResponse response = client.svids().mintX509SVID(request.build());
      List<X509Certificate> chain = new ArrayList<>();
      response.getSvid().getCertChainList().forEach(der -> chain.add(DerCodec.parseCertificate(der.toByteArray())));
      String svidPem = PemCodec.encodeCertificates(chain);
      String keyPem = PemCodec.encodePrivateKey(keyPair.getPrivate());
      String bundlePem = BundlePem.of(client.bundles().getBundle(GetBundleRequest.getDefaultInstance()));
      if (write == null) {
        if (out.json()) {
          out.json(response);
          return 0;
        }
        out.line("X509-SVID:");
        System.out.print(svidPem);
        out.blank();
        out.line("Private key:");
        System.out.print(keyPem);
        out.blank();
        out.line("Root CAs:");
        System.out.print(bundlePem);
        return 0;
      }
      Path dir = Path.of(write);
      writeFile(dir.resolve("svid.pem"), svidPem, "rw-r--r--");
      writeFile(dir.resolve("key.pem"), keyPem, "rw-------");
      writeFile(dir.resolve("bundle.pem"), bundlePem, "rw-r--r--");
      out.line("X509-SVID written to " + dir.resolve("svid.pem"));
      out.line("Private key written to " + dir.resolve("key.pem"));
      out.line("Root CAs written to " + dir.resolve("bundle.pem"));
      return 0;
    }
  }

  /** Mints a JWT-SVID and prints or writes the token. */
  @Command(name = "mint", description = "Issue a JWT-SVID for any ID, outside the registration entries")
  public static final class JwtMint extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, required = true, description = "SPIFFE ID to put in the sub claim")
    String spiffeId;

    @Option(names = {"-audience", "--audience"}, required = true, description = "Audience (aud) value (repeatable)")
    List<String> audience = new ArrayList<>();

    @Option(names = {"-ttl", "--ttl"}, description = "Lifetime, e.g. 5m (default: the server's)")
    String ttl;

    @Option(names = {"-write", "--write"}, description = "Write the token to this file instead of printing it")
    String write;

    @Override
    protected int run(AdminClient client, Printer out) {
      SpiffeId id = SpiffeId.parse(spiffeId);
      MintJWTSVIDRequest.Builder request = MintJWTSVIDRequest.newBuilder()
          .setId(SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()))
          .addAllAudience(audience);
      if (ttl != null) {
        request.setTtl((int) Durations.parse(ttl).toSeconds());
      }
      MintJWTSVIDResponse response = client.svids().mintJWTSVID(request.build());
      if (write != null) {
        writeFile(Path.of(write), response.getSvid().getToken() + "\n", "rw-------");
        out.line("JWT-SVID written to " + write);
      } else if (out.json()) {
        out.json(response);
      } else {
        out.line(response.getSvid().getToken());
      }
      return 0;
    }
  }

  /**
   * Writes {@code content} to a file created with {@code mode} from the start (creating the directory), so a
   * key is never readable by others, not even for a moment.
   */
  static void writeFile(Path file, String content, String mode) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e, e);
    }
  }
}
