package dev.signet.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load on {@code POST /api/v1/policies/evaluate} over loopback HTTP/1.1 keep-alive: each of
 * {@code connections} threads sends a request, reads the whole answer, and sends the next. A lean client
 * on raw sockets, so the figures are the server's and not an HTTP library's. Prints latency percentiles
 * and decisions per second after a warm-up.
 *
 * <p>Arguments: host port bearer-token [connections=8] [seconds=20] [warmup-seconds=10].
 */
public final class EvaluateLoad {
  private static final int MAX_SAMPLES_PER_THREAD = 4_000_000;

  private EvaluateLoad() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String token = args[2];
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    System.out.printf("warm-up %d s, then %d s with %d keep-alive connections%n", warmup, seconds, connections);
    run(host, port, token, connections, warmup, false);
    run(host, port, token, connections, seconds, true);
  }

  private static void run(String host, int port, String token, int connections, int seconds, boolean report)
      throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong allowed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> samples = new ArrayList<>();
    List<int[]> counts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      long[] mine = new long[MAX_SAMPLES_PER_THREAD];
      int[] count = new int[1];
      samples.add(mine);
      counts.add(count);
      int seed = c;
      threads.add(Thread.ofPlatform().start(() -> {
        try (Socket socket = new Socket(host, port)) {
          socket.setTcpNoDelay(true);
          OutputStream out = new BufferedOutputStream(socket.getOutputStream());
          InputStream in = new BufferedInputStream(socket.getInputStream());
          for (int i = seed; System.nanoTime() < end && count[0] < mine.length; i += 7) {
            byte[] request = request(host, token, i);
            long start = System.nanoTime();
            out.write(request);
            out.flush();
            String body = readResponse(in);
            mine[count[0]++] = System.nanoTime() - start;
            if (body.contains("\"decision\":\"allow\"")) {
              allowed.incrementAndGet();
            } else if (!body.contains("\"decision\":\"deny\"")) {
              errors.incrementAndGet();
            }
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          System.err.println("connection failed: " + e);
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!report) {
      return;
    }
    int total = counts.stream().mapToInt(c -> c[0]).sum();
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < connections; c++) {
      System.arraycopy(samples.get(c), 0, all, at, counts.get(c)[0]);
      at += counts.get(c)[0];
    }
    Arrays.sort(all);
    System.out.printf("decisions: %d in %d s = %.0f/s (allowed %d, errors %d)%n", total, seconds,
        total / (double) seconds, allowed.get(), errors.get());
    System.out.printf("latency us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f%n", pct(all, 50), pct(all, 90),
        pct(all, 99), pct(all, 99.9), all.length == 0 ? 0.0 : all[all.length - 1] / 1000.0);
  }

  private static double pct(long[] sorted, double percentile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000.0;
  }

  /** Request {@code i}: a service of the benchmark policy set asking for one of its actions (some allowed). */
  private static byte[] request(String host, String token, int i) {
    int service = i % 120;
    String body = "{\"identity\":\"spiffe://example.org/svc-" + service + "/api\",\"resource\":\"data/svc-"
        + (i % 5 == 0 ? service + 1 : service) + "/orders/" + (i % 50) + "\",\"action\":\"a" + (i % 100)
        + "\",\"context\":{\"hour\":10,\"source\":\"10.1.2.3\"}}";
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /api/v1/policies/evaluate HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + content.length);
    System.arraycopy(content, 0, request, headBytes.length, content.length);
    return request;
  }

  /** Reads one response (status line, headers, Content-Length body); anything but 200 is an error. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed mid-response");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = -1;
    for (String line : headers.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new IOException("response without Content-Length: " + headers.lines().findFirst().orElse(""));
    }
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    if (!headers.startsWith("HTTP/1.1 200")) {
      return "error: " + headers.lines().findFirst().orElse("") + " " + body;
    }
    return body;
  }
}
