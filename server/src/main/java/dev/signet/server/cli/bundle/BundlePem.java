package dev.signet.server.cli.bundle;

/** PEM rendering of an API bundle's X.509 authorities, for commands that print a bundle beside an SVID. */
public final class BundlePem {
  private BundlePem() {}

  public static String of(dev.signet.proto.spire.api.types.Bundle bundle) {
    return BundleFormat.PEM.render(bundle);
  }
}
