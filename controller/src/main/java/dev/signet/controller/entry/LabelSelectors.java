package dev.signet.controller.entry;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes label selector semantics ({@code matchLabels} and {@code matchExpressions} with In, NotIn, Exists,
 * DoesNotExist, all ANDed). A missing selector selects everything, as in spire-controller-manager.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether {@code selector} (null for none) selects an object with these labels. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> want : selector.getMatchLabels().entrySet()) {
        if (!want.getValue().equals(have.get(want.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!matches(requirement, have)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Checks a selector's operators up front; throws {@link IllegalArgumentException} naming a bad one. */
  public static void check(LabelSelector selector, String field) {
    if (selector == null || selector.getMatchExpressions() == null) {
      return;
    }
    for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
      String operator = requirement.getOperator();
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      switch (operator == null ? "" : operator) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            throw new IllegalArgumentException(field + ": operator " + operator + " needs values");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            throw new IllegalArgumentException(field + ": operator " + operator + " takes no values");
          }
        }
        default -> throw new IllegalArgumentException(field + ": unknown operator \"" + operator + "\"");
      }
    }
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }
}
