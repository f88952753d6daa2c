package dev.signet.common.crypto;

import java.security.Provider;
import java.security.Security;
import java.util.Objects;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses the process's JCA provider for signatures, verification and key generation
 * (see {@link CryptoProviderMode}). {@code signet-server run} and {@code signet-agent run} call
 * {@link #install} with the configured mode before anything signs; any other caller (CLI commands, tests)
 * gets {@link CryptoProviderMode#AUTO} on first use of {@link #signing()}.
 *
 * <p>When ACCP is chosen it is also inserted at position 1 of the JVM's provider list, so the JDK's own
 * users of the JCA (TLS handshakes, certificate path validation) run on it too. BouncyCastle, the fallback,
 * is never installed globally: the CA and agent code pass it explicitly, and the rest of the JVM keeps the
 * JDK's providers.
 */
public final class CryptoProviders {
  private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);
  /**
   * Built on first use only: constructing BouncyCastle's provider registers every algorithm it has (post-quantum
   * ones included, ~1,000 classes), seconds of an agent's start on a busy host, and an agent on ACCP never
   * needs it.
   */
  private static final class BouncyCastle {
    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
  }

  private static volatile Selection current;

  private CryptoProviders() {}

  /**
   * The provider chosen and why.
   *
   * @param provider the provider every signature, verification and key generation of ours uses
   * @param mode the configured mode
   * @param fallbackReason why ACCP is not used although the mode allowed it; null when it is, or when the
   *     mode excluded it
   */
  public record Selection(Provider provider, CryptoProviderMode mode, String fallbackReason) {
    public Selection {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(mode, "mode");
    }

    /** Whether the native, vetted provider (ACCP) is in use. */
    public boolean isNative() {
      return !(provider instanceof BouncyCastleProvider);
    }
  }

  /** The provider our signatures, verifications and key pairs go through; installs AUTO on first use. */
  public static Provider signing() {
    Selection selection = current;
    return (selection != null ? selection : installOnFirstUse()).provider();
  }

  /** The current selection, installing AUTO when nothing was installed yet. */
  public static Selection selection() {
    Selection selection = current;
    return selection != null ? selection : installOnFirstUse();
  }

  /** AUTO for a process that did not choose (a CLI command), logged at debug so command output stays clean. */
  private static synchronized Selection installOnFirstUse() {
    return current != null ? current : install(CryptoProviderMode.AUTO, AccpProvider.INSTANCE, true);
  }

  /**
   * The shared BouncyCastle instance: the fallback signer, and the parser of keys in BouncyCastle's own
   * structures. Never installed in the JVM's provider list.
   */
  public static Provider bouncyCastle() {
    return BouncyCastle.PROVIDER;
  }

  /**
   * Chooses the provider for {@code mode} with ACCP as the native provider and logs the choice.
   *
   * @throws CryptoProviderException when the mode is {@code accp} and ACCP cannot load
   */
  public static Selection install(CryptoProviderMode mode) {
    return install(mode, AccpProvider.INSTANCE);
  }

  /** {@link #install(CryptoProviderMode)} with a given native provider (tests pass one that fails to load). */
  public static Selection install(CryptoProviderMode mode, NativeCryptoProvider nativeProvider) {
    return install(mode, nativeProvider, false);
  }

  private static synchronized Selection install(CryptoProviderMode mode, NativeCryptoProvider nativeProvider,
      boolean quiet) {
    Objects.requireNonNull(mode, "mode");
    Selection selection;
    if (mode == CryptoProviderMode.BOUNCYCASTLE) {
      uninstall(nativeProvider);
      selection = new Selection(BouncyCastle.PROVIDER, mode, null);
      LOG.info("crypto provider: {} ({} = \"{}\"); the native provider is not used", describe(BouncyCastle.PROVIDER),
          CryptoProviderMode.CONFIG_KEY, mode);
    } else {
      Throwable error = nativeProvider.loadingError().orElse(null);
      if (error != null) {
        if (mode == CryptoProviderMode.ACCP) {
          throw new CryptoProviderException(CryptoProviderMode.CONFIG_KEY + " = \"accp\" requires amazon corretto"
              + " crypto provider, which cannot load: " + error, error);
        }
        uninstall(nativeProvider);
        selection = new Selection(BouncyCastle.PROVIDER, mode, String.valueOf(error));
        LOG.warn("crypto provider: amazon corretto crypto provider cannot load ({}); falling back to {}, which is"
            + " slower; set {} = \"accp\" to refuse to start instead", error, describe(BouncyCastle.PROVIDER),
            CryptoProviderMode.CONFIG_KEY);
      } else {
        Provider provider = nativeProvider.provider();
        Provider[] installed = Security.getProviders();
        if (installed.length == 0 || installed[0] != provider) {
          Security.removeProvider(provider.getName());
          Security.insertProviderAt(provider, 1);
        }
        selection = new Selection(provider, mode, null);
        String line = "crypto provider: {} (native) is the preferred JCA provider ({} = \"{}\")";
        if (quiet) {
          LOG.debug(line, describe(provider), CryptoProviderMode.CONFIG_KEY, mode);
        } else {
          LOG.info(line, describe(provider), CryptoProviderMode.CONFIG_KEY, mode);
        }
      }
    }
    current = selection;
    return selection;
  }

  private static void uninstall(NativeCryptoProvider nativeProvider) {
    if (nativeProvider.loadingError().isEmpty()) {
      Security.removeProvider(nativeProvider.provider().getName());
    }
  }

  private static String describe(Provider provider) {
    return provider.getName() + " " + provider.getVersionStr();
  }
}
