package io.querysub.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.core.BaseContainer;
import org.junit.jupiter.api.Test;

class LastingTyrusContainerTest {
  /**
   * What Tyrus does when a container's last connection ends: {@code shutdown(condition)} with a
   * condition that holds. Called by reflection (the method and its condition type are protected).
   */
  private static void lastConnectionEnded(ClientManager c) throws Exception {
    Class<?> conditionType = Class.forName(BaseContainer.class.getName() + "$ShutDownCondition");
    Object holds =
        Proxy.newProxyInstance(
            conditionType.getClassLoader(),
            new Class<?>[] {conditionType},
            (proxy, method, args) -> method.getName().equals("evaluate") ? Boolean.TRUE : null);
    Method shutdown = BaseContainer.class.getDeclaredMethod("shutdown", conditionType);
    shutdown.setAccessible(true);
    shutdown.invoke(c, holds);
  }

  @Test
  void tyrusOwnContainerShutsItsSchedulerDownWhenItsLastConnectionEnds() throws Exception {
    ClientManager plain = ClientManager.createClient();
    ScheduledExecutorService s = plain.getScheduledExecutorService();
    lastConnectionEnded(plain);
    assertThat(s.isShutdown()).isTrue(); // the window a starting connection can fall into
  }

  @Test
  void theLastingContainerKeepsItsSchedulerUntilShutDownExplicitly() throws Exception {
    LastingTyrusContainer lasting = new LastingTyrusContainer();
    ScheduledExecutorService s = lasting.getScheduledExecutorService();
    lastConnectionEnded(lasting);
    assertThat(s.isShutdown()).isFalse();
    assertThat(lasting.getScheduledExecutorService()).isSameAs(s);
    lasting.shutdown();
    assertThat(s.isShutdown()).isTrue();
  }

  @Test
  void theJavaClientUsesTheLastingContainerOnTyrus() throws Exception {
    Method container = SyncClient.class.getDeclaredMethod("container");
    container.setAccessible(true);
    assertThat(container.invoke(null)).isInstanceOf(LastingTyrusContainer.class);
  }
}
