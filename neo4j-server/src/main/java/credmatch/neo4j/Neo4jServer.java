package credmatch.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * Runs Neo4j Community as a standalone Bolt server for credmatch on machines without Docker.
 *
 * <p>Configuration comes from the environment so that the password never shows in a process list:
 * CREDMATCH_NEO4J_HOME (data and logs), CREDMATCH_NEO4J_BOLT_PORT, CREDMATCH_NEO4J_PAGECACHE,
 * NEO4J_PASSWORD (empty: auth off, used only by the test suite). It prints one line "READY" on
 * stdout when Bolt accepts connections and shuts the database down cleanly on SIGTERM.
 */
public final class Neo4jServer {
  private Neo4jServer() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    Path home = Path.of(env("CREDMATCH_NEO4J_HOME", "neo4j-data")).toAbsolutePath();
    String port = env("CREDMATCH_NEO4J_BOLT_PORT", "7687");
    String password = env("NEO4J_PASSWORD", "");
    boolean auth = !password.isEmpty();

    Map<String, String> config = new LinkedHashMap<>();
    config.put("server.config.strict_validation.enabled", "false");
    config.put("server.bolt.enabled", "true");
    config.put("server.bolt.listen_address", "127.0.0.1:" + port);
    config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
    config.put("server.bolt.tls_level", "DISABLED");
    config.put("dbms.security.auth_enabled", Boolean.toString(auth));
    config.put("server.memory.pagecache.size", env("CREDMATCH_NEO4J_PAGECACHE", "2g"));
    config.put("db.transaction.timeout", env("CREDMATCH_NEO4J_TX_TIMEOUT", "120s"));
    config.put("dbms.usage_report.enabled", "false");
    // Neo4j keeps two days of transaction logs by default: gigabytes after a bulk load or a
    // match-table rebuild. Keep a bounded amount (enough for a crash recovery) instead.
    config.put(
        "db.tx_log.rotation.retention_policy",
        env("CREDMATCH_NEO4J_TX_LOG_RETENTION", "512M size"));

    // The builder takes typed settings or a properties file; the file keeps this class free of
    // internal setting classes that move between Neo4j releases.
    Files.createDirectories(home);
    Path conf = home.resolve("credmatch-neo4j.conf");
    StringBuilder text = new StringBuilder();
    config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Files.writeString(conf, text.toString(), StandardCharsets.UTF_8);
    DatabaseManagementService service =
        new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.shutdown();
                  stopped.countDown();
                }));
    try {
      if (auth) {
        setPassword(service.database("system"), password);
      }
    } catch (RuntimeException e) {
      System.err.println("FAILED " + e.getMessage());
      service.shutdown();
      System.exit(1);
    }
    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();
    stopped.await();
  }

  private static void setPassword(GraphDatabaseService system, String password) {
    try {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
          Map.of("password", password));
    } catch (QueryExecutionException e) {
      // Neo4j refuses to "change" a password to the one it already has: that is the goal state.
      if (!e.getMessage().contains("cannot be the same")) {
        throw e;
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
