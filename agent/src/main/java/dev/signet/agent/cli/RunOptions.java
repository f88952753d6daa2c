package dev.signet.agent.cli;

import dev.signet.common.secret.Secret;
import java.nio.file.Path;

/**
 * The flags of {@code signet-agent run}, as spire-agent spells them; null means "not given, use the config
 * file". The join token is a {@link Secret}, never printed.
 */
public record RunOptions(Path config, Secret joinToken, Path joinTokenFile, String serverAddress, Integer serverPort,
    String trustDomain, Path trustBundle, String trustBundleUrl, Boolean insecureBootstrap, Path dataDir,
    Path socketPath, String logLevel, boolean expandEnv) {
}
