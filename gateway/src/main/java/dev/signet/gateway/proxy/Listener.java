package dev.signet.gateway.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * A bound listening socket of one route. Accepted connections start with auto-read off: the TLS handler
 * reads what the handshake needs, and the relay reads the rest at the pace the other side takes it.
 */
public final class Listener implements AutoCloseable {
  private final Channel channel;

  private Listener(Channel channel) {
    this.channel = channel;
  }

  /** Binds {@code address} (port 0: an ephemeral port, see {@link #address}). */
  public static Listener bind(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers,
      ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
    Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer)
        .bind(address).sync().channel();
    return new Listener(channel);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
