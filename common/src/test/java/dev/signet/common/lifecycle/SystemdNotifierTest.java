package dev.signet.common.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a real {@code AF_UNIX} datagram socket bound by Netty's epoll transport (an
 * implementation independent of the notifier's libc calls), as systemd's notify socket would receive it.
 */
class SystemdNotifierTest {
  @TempDir
  Path dir;

  private EventLoopGroup group;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  @BeforeEach
  void startGroup() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterEach
  void stopGroup() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  private Channel bind(String address) throws InterruptedException {
    return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
            received.add(packet.content().toString(StandardCharsets.UTF_8));
          }
        })
        .bind(new DomainSocketAddress(address)).sync().channel();
  }

  @Test
  void readyAndStoppingReachASocketGivenAsAPath() throws Exception {
    String path = dir.resolve("notify.sock").toString();
    Channel channel = bind(path);
    try {
      SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", path));
      assertTrue(notifier.enabled());
      notifier.ready();
      notifier.stopping();
      assertEquals("READY=1", received.poll(10, TimeUnit.SECONDS));
      assertEquals("STOPPING=1", received.poll(10, TimeUnit.SECONDS));
    } finally {
      channel.close().sync();
    }
  }

  @Test
  void readyReachASocketInTheAbstractNamespace() throws Exception {
    String name = "signet-notify-test-" + UUID.randomUUID();
    Channel channel = bind("\0" + name);
    try {
      SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name)).ready();
      assertEquals("READY=1", received.poll(10, TimeUnit.SECONDS));
    } finally {
      channel.close().sync();
    }
  }

  @Test
  void withoutNotifySocketNothingIsSent() {
    int[] calls = {0};
    SystemdNotifier unset = SystemdNotifier.fromEnvironment(Map.of());
    SystemdNotifier empty = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", ""));
    assertFalse(unset.enabled());
    assertFalse(empty.enabled());
    new SystemdNotifier(null, (target, message) -> calls[0]++).ready();
    assertEquals(0, calls[0]);
  }

  @Test
  void aSocketNobodyListensOnIsAnIoErrorOfTheSenderAndOnlyAWarningOfTheNotifier() {
    NotifySocket missing = NotifySocket.parse(dir.resolve("nobody-here.sock").toString());
    IOException e = assertThrows(IOException.class,
        () -> UnixDatagramSender.send(missing, "READY=1".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("nobody-here.sock"), e.getMessage());
    // the daemon keeps running: systemd reports the missing readiness by its start timeout
    new SystemdNotifier(missing, UnixDatagramSender::send).ready();
  }

  @Test
  void malformedOrOverlongAddressesAreRefusedQuotingThem() {
    IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
        () -> SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "run/notify")));
    assertTrue(relative.getMessage().contains("\"run/notify\""), relative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NotifySocket.parse("@"));
    assertThrows(IllegalArgumentException.class, () -> NotifySocket.parse("vsock:2:1234"));
    String longest = "/" + "a".repeat(106);
    assertEquals(longest, NotifySocket.parse(longest).toString());
    assertThrows(IllegalArgumentException.class, () -> NotifySocket.parse(longest + "a"));
    assertEquals(108, NotifySocket.parse("@" + "b".repeat(107)).sunPath().length);
    assertThrows(IllegalArgumentException.class, () -> NotifySocket.parse("@" + "b".repeat(108)));
  }

  @Test
  void abstractNamesKeepTheirAtSignInMessagesAndCompareByBytes() {
    NotifySocket socket = NotifySocket.parse("@/org/freedesktop/systemd1/notify/1");
    assertTrue(socket.isAbstract());
    assertEquals(0, socket.sunPath()[0]);
    assertEquals("@/org/freedesktop/systemd1/notify/1", socket.toString());
    assertEquals(socket, NotifySocket.parse("@/org/freedesktop/systemd1/notify/1"));
    assertFalse(NotifySocket.parse("/run/systemd/notify").isAbstract());
  }
}
