package dev.signet.agent.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The tests' name service (the JDK's resolver SPI, registered in {@code META-INF/services}): a name a test
 * {@link #define defines} resolves to its addresses in order, as a DNS name with several A records does;
 * every other name goes to the JDK's own resolver.
 */
public final class TestNames extends InetAddressResolverProvider {
  private static final Map<String, List<InetAddress>> NAMES = new ConcurrentHashMap<>();

  /** Makes {@code name} resolve to {@code addresses}, in this order. */
  static void define(String name, InetAddress... addresses) {
    NAMES.put(name, List.of(addresses));
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        List<InetAddress> defined = NAMES.get(host);
        return defined != null ? defined.stream() : builtin.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return builtin.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "signet agent tests";
  }
}
