import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local listening on 127.0.0.1 only. The emulator has no option for the address it binds
 * (its Jetty server listens on every interface), so this starts it as its own `ServerRunner` does,
 * from the same command line, and sets the connector's host before starting. Run as a single-file
 * source program (`java LoopbackDynamoDbLocal.java …`); local/dynamodb-local.ts falls back to the
 * plain jar, on every interface, when this Java cannot compile it.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
    System.out.println("LoopbackDynamoDbLocal: listening on 127.0.0.1 only");
  }
}
