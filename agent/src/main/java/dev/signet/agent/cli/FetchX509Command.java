package dev.signet.agent.cli;

import picocli.CommandLine.Command;

/** {@code api fetch x509}. */
@Command(name = "x509", description = "Fetches X509-SVIDs from the Workload API")
final class FetchX509Command extends X509Fetch {}
