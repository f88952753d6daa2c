import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * For each signed jar of a directory: verifies that every entry outside META-INF is signed and matches its digest
 * (reading an entry of a JarFile opened with verification throws SecurityException on a mismatch), then rewrites
 * the jar without its signature files and with only the main section of its manifest (the per-entry sections hold
 * nothing but the digests the signature covered: 855 KB of BouncyCastle's manifest, which the class loader would
 * otherwise parse at every start). Run by unsign-jars.sh with the build's JDK: java StripJarSignatures.java lib/
 */
public final class StripJarSignatures {
  private static final Pattern SIGNATURE_FILE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)|META-INF/SIG-[^/]+");

  public static void main(String[] args) throws IOException {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
      listing.forEach(jars::add);
    }
    for (Path jar : jars) {
      int signatureFiles = signatureFiles(jar);
      if (signatureFiles > 0) {
        int verified = verify(jar);
        strip(jar);
        System.out.println("unsign-jars: " + jar.getFileName() + ": signature verified over " + verified
            + " entries, " + signatureFiles + " signature files removed");
      }
    }
  }

  private static int signatureFiles(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return (int) zip.stream().filter(entry -> SIGNATURE_FILE.matcher(entry.getName()).matches()).count();
    }
  }

  /** Reads every entry through the verifying JarFile; returns how many signed entries were checked. */
  private static int verify(Path jar) throws IOException {
    int verified = 0;
    byte[] buffer = new byte[64 * 1024];
    try (JarFile file = new JarFile(jar.toFile(), true)) {
      for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        try (InputStream in = file.getInputStream(entry)) {
          while (in.read(buffer) >= 0) {
            // the verifier checks the digest as the entry is read to its end
          }
        }
        if (entry.getName().startsWith("META-INF/")) {
          continue;
        }
        if (entry.getCodeSigners() == null) {
          throw new SecurityException(jar + ": entry " + entry.getName() + " is not signed");
        }
        verified++;
      }
    }
    return verified;
  }

  private static void strip(Path jar) throws IOException {
    JarRewrite.rewrite(jar, (entry, content) -> {
      if (SIGNATURE_FILE.matcher(entry.getName()).matches()) {
        return null;
      }
      return entry.getName().equals(JarFile.MANIFEST_NAME) ? mainSection(content) : content;
    });
  }

  private static byte[] mainSection(byte[] content) throws IOException {
    Manifest manifest = new Manifest(new ByteArrayInputStream(content));
    manifest.getEntries().clear();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    manifest.write(out);
    return out.toByteArray();
  }
}
