package dev.signet.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The figures of every round of both systems, printed as medians with the ratio Signet / SPIRE. */
final class ResultTable {
  private final Map<Figure, List<Double>> spire = new EnumMap<>(Figure.class);
  private final Map<Figure, List<Double>> signet = new EnumMap<>(Figure.class);

  void add(Peer peer, Map<Figure, Double> round) {
    Map<Figure, List<Double>> target = peer.name().equals("SPIRE") ? spire : signet;
    round.forEach((figure, value) -> target.computeIfAbsent(figure, f -> new ArrayList<>()).add(value));
  }

  /** A Markdown table: figure | SPIRE | Signet | ratio Signet/SPIRE, medians of the rounds (all rounds in brackets). */
  String markdown(String seededLabel) {
    StringBuilder out = new StringBuilder("| figure | SPIRE | Signet | ratio Signet/SPIRE |\n| --- | ---: | ---: | ---: |\n");
    for (Figure figure : Figure.values()) {
      List<Double> a = spire.getOrDefault(figure, List.of());
      List<Double> b = signet.getOrDefault(figure, List.of());
      if (a.isEmpty() && b.isEmpty()) {
        continue;
      }
      String label = figure.label().replace("the seeded entries", seededLabel);
      String ratio = a.isEmpty() || b.isEmpty() || figure == Figure.LOAD_AVERAGE || median(a) == 0 ? ""
          : String.format("%.2f", median(b) / median(a));
      out.append("| ").append(label).append(" | ").append(cell(a, figure)).append(" | ").append(cell(b, figure))
          .append(" | ").append(ratio).append(" |\n");
    }
    return out.toString();
  }

  private static String cell(List<Double> values, Figure figure) {
    if (values.isEmpty()) {
      return "not measured";
    }
    StringBuilder all = new StringBuilder();
    for (double v : values) {
      all.append(all.isEmpty() ? "" : ", ").append(format(v));
    }
    return format(median(values)) + (figure.unit().isEmpty() ? "" : " " + figure.unit())
        + (values.size() > 1 ? " (" + all + ")" : "");
  }

  private static String format(double v) {
    return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
