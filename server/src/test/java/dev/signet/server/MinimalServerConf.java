package dev.signet.server;

import dev.signet.common.config.HclDocument;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.config.ServerConfigLoader;
import dev.signet.server.config.ServerFlags;
import java.nio.file.Path;

/** The smallest server.conf an in-process server starts from: loopback, ephemeral port, embedded SQLite, disk keys. */
final class MinimalServerConf {
  private MinimalServerConf() {}

  /** The HCL text, with {@code extra} lines added to the {@code server} block. */
  static String text(Path socket, Path dataDir, String extra) {
    return """
        server {
          trust_domain = "example.org"
          bind_address = "127.0.0.1"
          bind_port = "0"
          socket_path = "%s"
          data_dir = "%s"
          %s
        }
        plugins {
          DataStore "sql" { plugin_data { database_type = "sqlite3" } }
          KeyManager "disk" { plugin_data { keys_path = "%s" } }
          NodeAttestor "join_token" { plugin_data {} }
        }
        """.formatted(socket, dataDir, extra, dataDir.resolve("keys.json"));
  }

  /** The checked config of {@link #text}. */
  static ServerConfig config(Path socket, Path dataDir, String extra) {
    return ServerConfigLoader.parse(HclDocument.parse(text(socket, dataDir, extra), "server.conf"), ServerFlags.NONE)
        .config();
  }
}
