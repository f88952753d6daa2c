package dev.signet.common.config.hcl;

import dev.signet.common.config.hcl.HclNode.HclItem;
import dev.signet.common.config.hcl.HclNode.HclKey;
import dev.signet.common.config.hcl.HclNode.HclList;
import dev.signet.common.config.hcl.HclNode.HclLiteral;
import dev.signet.common.config.hcl.HclNode.HclObject;
import dev.signet.common.config.hcl.HclToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parses HCL v1 text into an {@link HclObject} exactly as the HCL module SPIRE pins accepts it (the differential
 * test in it-tests holds it to that module on SPIRE's own configs and thousands of mutations of them): items may
 * share a line and be separated by commas; a block may carry several keys ({@code a "b" "c" {}}) but an
 * assignment only one; lists allow empty slots and trailing commas; a document that ends right after
 * {@code key =} ends there. Every literal is decoded, so a value SPIRE could not read is refused here.
 */
public final class HclParser {
  private final String text;
  private final HclScanner scanner;
  private HclToken token;
  private boolean pushedBack;

  private HclParser(String text) {
    this.text = text;
    this.scanner = new HclScanner(text);
  }

  /** Parses a whole document; throws {@link HclSyntaxException} with the position of the first problem. */
  public static HclObject parse(String text) {
    HclParser parser = new HclParser(text.replace("\r\n", "\n"));
    return new HclObject(parser.items(false));
  }

  private HclToken scan() {
    if (pushedBack) {
      pushedBack = false;
      return token;
    }
    do {
      token = scanner.scan();
    } while (token.kind() == Kind.COMMENT);
    return token;
  }

  private void pushBack() {
    pushedBack = true;
  }

  private List<HclItem> items(boolean inObject) {
    List<HclItem> items = new ArrayList<>();
    while (true) {
      if (inObject) {
        HclToken next = scan();
        pushBack();
        if (next.kind() == Kind.RBRACE) {
          return items;
        }
      }
      HclItem item = item();
      if (item == null) {
        return items;
      }
      items.add(item);
      if (scan().kind() != Kind.COMMA) {
        pushBack();
      }
    }
  }

  /** The next item, or null when the text ends where an item (or the value after its '=') would start. */
  private HclItem item() {
    List<HclKey> keys = new ArrayList<>();
    while (true) {
      HclToken t = scan();
      switch (t.kind()) {
        case EOF -> {
          if (keys.isEmpty()) {
            return null;
          }
          throw expectedValue(keys, t);
        }
        case IDENT, STRING -> keys.add(new HclKey(t, t.kind() == Kind.STRING ? decode(t).toString() : t.text()));
        case ASSIGN -> {
          if (keys.isEmpty()) {
            throw error(t, "expected a key before '='");
          }
          if (keys.size() > 1) {
            throw error(t, "key " + names(keys) + " has labels, so it needs a '{' block, not '='");
          }
          HclNode value = value();
          return value == null ? null : new HclItem(keys, true, value);
        }
        case LBRACE -> {
          if (keys.isEmpty()) {
            throw error(t, "expected a key before '{'");
          }
          return new HclItem(keys, false, object(t));
        }
        default -> {
          if (keys.isEmpty()) {
            throw error(t, "expected a key, found " + t.describe());
          }
          throw expectedValue(keys, t);
        }
      }
    }
  }

  /** The value after '=', or null at the end of the text. */
  private HclNode value() {
    HclToken t = scan();
    return switch (t.kind()) {
      case NUMBER, FLOAT, BOOL, STRING, HEREDOC -> literal(t);
      case LBRACE -> object(t);
      case LBRACK -> list(t);
      case EOF -> null;
      case IDENT -> throw error(t, "value " + t.text() + " must be quoted");
      default -> throw error(t, "expected a value, found " + t.describe());
    };
  }

  /** An object whose '{' ({@code open}) was just read, up to and including its '}'. */
  private HclObject object(HclToken open) {
    List<HclItem> items = items(true);
    HclToken close = scan();
    if (close.kind() == Kind.EOF) {
      throw error(open, "the '{' opened here is never closed; add its '}'");
    }
    if (close.kind() != Kind.RBRACE) {
      throw error(close, "expected '}' to close the block, found " + close.describe());
    }
    return new HclObject(items);
  }

  /** A list whose '[' ({@code open}) was just read, up to and including its ']'. */
  private HclList list(HclToken open) {
    List<HclNode> elements = new ArrayList<>();
    boolean needComma = false;
    while (true) {
      HclToken t = scan();
      if (t.kind() == Kind.EOF) {
        throw error(open, "the '[' opened here is never closed; add its ']'");
      }
      if (needComma && t.kind() != Kind.COMMA && t.kind() != Kind.RBRACK) {
        throw error(t, "expected ',' or ']' in the list, found " + t.describe());
      }
      switch (t.kind()) {
        case NUMBER, FLOAT, BOOL, STRING, HEREDOC -> {
          elements.add(literal(t));
          needComma = true;
        }
        case COMMA -> needComma = false;
        case LBRACE -> {
          elements.add(object(t));
          needComma = true;
        }
        case LBRACK -> elements.add(list(t));
        case RBRACK -> {
          return new HclList(elements);
        }
        case IDENT -> throw error(t, "value " + t.text() + " must be quoted");
        default -> throw error(t, "unexpected " + t.describe() + " in a list");
      }
    }
  }

  private HclLiteral literal(HclToken t) {
    return new HclLiteral(t, decode(t));
  }

  private Object decode(HclToken t) {
    try {
      return HclValues.of(t);
    } catch (IllegalArgumentException e) {
      throw error(t, e.getMessage());
    }
  }

  private HclSyntaxException expectedValue(List<HclKey> keys, HclToken found) {
    return error(found, "expected '=' and a value or a '{' block after " + names(keys) + ", found "
        + found.describe());
  }

  private static String names(List<HclKey> keys) {
    return keys.stream().map(k -> "\"" + k.name() + "\"").collect(Collectors.joining(" "));
  }

  private HclSyntaxException error(HclToken at, String message) {
    return HclSyntaxException.at(text, at.offset(), message);
  }
}
