package dev.signet.common.config.hcl;

import java.util.List;

/**
 * The syntax tree of an HCL v1 document, as SPIRE's HCL module builds it: objects hold items, an item has one
 * or more keys ({@code NodeAttestor "join_token"}) and a value given after {@code =} or as a block; lists hold
 * literals, objects and lists; literals keep their token and their decoded value.
 */
public sealed interface HclNode {

  /** {@code { items }}, or the whole document. */
  record HclObject(List<HclItem> items) implements HclNode {
    public HclObject {
      items = List.copyOf(items);
    }
  }

  /** {@code [ elements ]}. */
  record HclList(List<HclNode> elements) implements HclNode {
    public HclList {
      elements = List.copyOf(elements);
    }
  }

  /**
   * A string, heredoc, number, float or bool with its value: a {@code String}, {@code Long}, {@code Double} or
   * {@code Boolean}.
   */
  record HclLiteral(HclToken token, Object value) implements HclNode {}

  /** One key (an identifier, or a quoted string with its escapes decoded) and where it was written. */
  record HclKey(HclToken token, String name) {}

  /** {@code keys = value} ({@code assigned}) or {@code keys { … }}. */
  record HclItem(List<HclKey> keys, boolean assigned, HclNode value) {
    public HclItem {
      keys = List.copyOf(keys);
    }
  }
}
