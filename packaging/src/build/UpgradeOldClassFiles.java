import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Rewrites the class files older than Java 6 (major version below 50) of each jar of a directory as version 52
 * files with the stack map frames the JDK's class-file API computes for them. The JVM keeps such old classes out
 * of class-data sharing archives and AOT caches and verifies them at every start with its old inference verifier:
 * picocli ships as Java 5 classes, 170 of which each admin CLI call loaded, verified and linked from its jar (about
 * 45 ms of an `agent list`, issue 16). Only the version and the frames change; every instruction is kept as it is.
 * A class that cannot be rewritten (a jsr/ret subroutine, which newer versions forbid) is kept unchanged and named.
 * Run by upgrade-old-classes.sh with the build's JDK: java UpgradeOldClassFiles.java lib/
 */
public final class UpgradeOldClassFiles {
  private static final int OLDEST_ARCHIVABLE = ClassFile.JAVA_6_VERSION;
  private static final int REWRITTEN_VERSION = ClassFile.JAVA_8_VERSION;

  public static void main(String[] args) throws IOException {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
      for (Path jar : jars) {
        if (oldClasses(jar) > 0) {
          upgrade(jar);
        }
      }
    }
  }

  private static long oldClasses(Path jar) throws IOException {
    long old = 0;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (isClass(entry)) {
          try (InputStream in = zip.getInputStream(entry)) {
            old += majorVersion(in.readNBytes(8)) < OLDEST_ARCHIVABLE ? 1 : 0;
          }
        }
      }
    }
    return old;
  }

  private static void upgrade(Path jar) throws IOException {
    int[] rewritten = {0};
    try (URLClassLoader jarClasses = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ClassFile classFiles = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
          ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(jarClasses)
              .orElse(ClassHierarchyResolver.defaultResolver())));
      JarRewrite.rewrite(jar, (entry, content) -> {
        if (!isClass(entry) || majorVersion(content) >= OLDEST_ARCHIVABLE) {
          return content;
        }
        byte[] newer = rewrite(classFiles, content, jar, entry.getName());
        rewritten[0] += newer == content ? 0 : 1;
        return newer;
      });
    }
    System.out.println("upgrade-old-classes: " + jar.getFileName() + ": " + rewritten[0]
        + " class files rewritten as version " + REWRITTEN_VERSION + " with stack map frames");
  }

  private static byte[] rewrite(ClassFile classFiles, byte[] bytes, Path jar, String name) {
    try {
      ClassModel model = classFiles.parse(bytes);
      // every method body goes through the builder, which is what makes it compute the frames
      ClassTransform newerVersion = (builder, element) -> {
        if (element instanceof ClassFileVersion) {
          builder.withVersion(REWRITTEN_VERSION, 0);
        } else {
          builder.with(element);
        }
      };
      return classFiles.transformClass(model,
          ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen(newerVersion));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.out.println("upgrade-old-classes: " + jar.getFileName() + ": " + name + " kept as it is: " + e.getMessage());
      return bytes;
    }
  }

  private static boolean isClass(ZipEntry entry) {
    return entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/");
  }

  private static int majorVersion(byte[] header) {
    return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
  }
}
