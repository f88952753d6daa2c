package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A node PKI for {@code x509pop} made by openssl in a directory: a root CA, an intermediate CA and a node
 * certificate (EC P-256 keys, {@code digitalSignature}) with the given common name.
 */
final class X509PopPki {
  private final Path dir;

  /** Makes root CA -> intermediate CA -> node certificate ({@code /O=Fleet/CN=<nodeCn>}) in {@code dir}. */
  X509PopPki(Path dir, String nodeCn) {
    this.dir = dir;
    Path ext = dir.resolve("ext.cnf");
    try {
      Files.createDirectories(dir);
      Files.writeString(ext, """
          [req]
          distinguished_name = dn
          prompt = no
          [dn]
          [ca]
          basicConstraints = critical, CA:true
          keyUsage = critical, keyCertSign, cRLSign
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          [node]
          basicConstraints = critical, CA:false
          keyUsage = critical, digitalSignature
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String name : List.of("root", "intermediate", "node")) {
      OpenSsl.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path(name + ".key"));
    }
    OpenSsl.run("req", "-x509", "-new", "-key", path("root.key"), "-subj", "/O=Fleet/CN=Fleet Root", "-days", "2",
        "-config", ext.toString(), "-extensions", "ca", "-out", path("root.crt"));
    signed("intermediate", "/O=Fleet/CN=Fleet Issuing", "root", "ca", ext);
    signed("node", "/O=Fleet/CN=" + nodeCn, "intermediate", "node", ext);
  }

  /** A signet-server in {@code workspace} whose {@code NodeAttestor "x509pop"} trusts this PKI's root, started. */
  SignetServer startServer(Workspace workspace) {
    return new SignetServer(workspace).withPlugins("""
        NodeAttestor "x509pop" {
            plugin_data {
                ca_bundle_path = "%s"
            }
        }""".formatted(rootCertificate())).start();
  }

  String rootCertificate() {
    return path("root.crt");
  }

  String intermediateCertificate() {
    return path("intermediate.crt");
  }

  String nodeCertificate() {
    return path("node.crt");
  }

  String nodeKey() {
    return path("node.key");
  }

  private void signed(String name, String subject, String issuer, String section, Path ext) {
    OpenSsl.run("req", "-new", "-key", path(name + ".key"), "-subj", subject, "-config", ext.toString(),
        "-out", path(name + ".csr"));
    OpenSsl.run("x509", "-req", "-in", path(name + ".csr"), "-CA", path(issuer + ".crt"), "-CAkey",
        path(issuer + ".key"), "-CAcreateserial", "-days", "1", "-extfile", ext.toString(), "-extensions", section,
        "-out", path(name + ".crt"));
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }
}
