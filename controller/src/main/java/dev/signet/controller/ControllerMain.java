package dev.signet.controller;

import dev.signet.common.logging.LogOutput;
import dev.signet.controller.config.ControllerConfig;
import dev.signet.controller.config.ControllerConfigLoader;
import dev.signet.controller.federation.GrpcFederationClient;
import dev.signet.controller.server.GrpcEntryClient;
import dev.signet.logging.DaemonLogging;
import dev.signet.proto.transport.AdminClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code signet-controller-manager --config=FILE}: spire-controller-manager's command line ({@code validate
 * --config=FILE} checks the file and exits). The Kubernetes API is
 * found as fabric8 finds it (in-cluster service account, else {@code KUBECONFIG} or {@code ~/.kube/config}); the
 * server through its admin socket ({@code spireServerSocketPath}). Exit status 1 for a bad configuration, 2 when the
 * informers cannot list (API unreachable, CRDs missing, RBAC).
 */
public final class ControllerMain {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerMain.class);
  private static final long SYNC_TIMEOUT_SECONDS = 60;

  private ControllerMain() {}

  public static void main(String[] args) throws InterruptedException {
    String configPath = null;
    boolean validateOnly = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i == 0 && arg.equals("validate")) {
        validateOnly = true;
      } else if (arg.startsWith("--config=") || arg.startsWith("-config=")) {
        configPath = arg.substring(arg.indexOf('=') + 1);
      } else if ((arg.equals("--config") || arg.equals("-config")) && i + 1 < args.length) {
        configPath = args[++i];
      } else if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println("usage: signet-controller-manager [validate] --config=FILE (a spire-controller-manager"
            + " ControllerManagerConfig YAML file; validate checks it and exits)");
        return;
      } else {
        System.err.println("signet-controller-manager: unknown argument \"" + arg + "\"");
        System.exit(1);
      }
    }
    if (configPath == null) {
      System.err.println("signet-controller-manager: --config=FILE is required");
      System.exit(1);
    }
    ControllerConfig config;
    try {
      config = ControllerConfigLoader.load(Path.of(configPath));
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("signet-controller-manager: " + configPath + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    if (validateOnly) {
      System.out.println("configuration " + configPath + " is valid");
      return;
    }
    DaemonLogging.apply(config.logLevel(), LogOutput.DEFAULT);
    CountDownLatch stop = new CountDownLatch(1);
    try (AdminClient admin = new AdminClient(config.serverSocketPath());
        KubernetesClient kube = new KubernetesClientBuilder().build();
        ControllerManager manager = new ControllerManager(config, kube, new GrpcEntryClient(admin),
            new GrpcFederationClient(admin))) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
      if (!manager.start(SYNC_TIMEOUT_SECONDS)) {
        LOG.error("the informers did not list pods, nodes, namespaces, endpoints and the spire.spiffe.io resources"
            + " within {}s (API server {}): are the CRDs installed and the RBAC rules granted?",
            SYNC_TIMEOUT_SECONDS, kube.getMasterUrl());
        System.exit(2);
      }
      LOG.info("signet-controller-manager started: trust domain {}, cluster {}, entry id prefix \"{}\", server {}",
          config.trustDomain().name(), config.clusterName(), config.entryIdPrefix(), config.serverSocketPath());
      stop.await();
    }
  }
}
