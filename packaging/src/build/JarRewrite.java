import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a jar entry by entry into a sibling file, then moves that over the jar: the loop of StripJarSignatures
 * and UpgradeOldClassFiles (the build's JDK compiles this file with them: java X.java finds the other sources of
 * its directory). Entries keep their names, order and times.
 */
final class JarRewrite {
  private JarRewrite() {}

  /** What becomes of one entry. */
  @FunctionalInterface
  interface EntryContent {
    /** The entry's new content, or null to leave the entry out. */
    byte[] rewrite(ZipEntry entry, byte[] content) throws IOException;
  }

  static void rewrite(Path jar, EntryContent content) throws IOException {
    Path rewritten = jar.resolveSibling(jar.getFileName() + ".rewritten");
    try (ZipFile zip = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(rewritten))) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = content.rewrite(entry, in.readAllBytes());
        }
        if (bytes == null) {
          continue;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
    Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
