import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on 127.0.0.1 only.
 *
 * <p>DynamoDB Local has no bind-address option: its DynamoDBProxyServer builds a
 * Jetty {@code new Server(port)}, whose connector listens on every interface,
 * and neither DynamoDB Local nor Jetty reads a system property for the host.
 * This launcher builds the server from the same command-line arguments as the
 * jar's own main class, sets the host of its Jetty connector to 127.0.0.1
 * before anything listens, and starts it. It fails rather than start on every
 * interface when the server is not built as expected.
 *
 * <p>Run as a single-file source program (JEP 330), with DynamoDBLocal.jar on
 * the class path: {@code java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java -port N ...}.
 */
public final class LoopbackDynamoDbLocal {
  private static final String HOST = "127.0.0.1";

  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local built a server without a connector");
    for (Connector connector : connectors) {
      ((ServerConnector) connector).setHost(HOST);
    }
    proxy.start();
  }
}
