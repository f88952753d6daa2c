package dev.signet.common.config;

import dev.signet.common.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Converts document values to Java types the way SPIRE's HCL decoding does: numbers may be written as
 * strings ({@code bind_port = "8081"}) and integers as strings are accepted where a string is expected.
 * Every failure names the key path and quotes the value.
 */
final class ConfigValues {
  private ConfigValues() {}

  static String string(String path, Object value) {
    return switch (value) {
      case String s -> s;
      case Long l -> Long.toString(l);
      default -> throw wrongType(path, "a string", value);
    };
  }

  static long integer(String path, Object value, long min, long max) {
    long result = switch (value) {
      case Long l -> l;
      case String s when s.strip().matches("[-+]?\\d{1,18}") -> Long.parseLong(s.strip());
      default -> throw wrongType(path, "an integer", value);
    };
    if (result < min || result > max) {
      throw new ConfigException(path + ": " + result + " is out of range [" + min + ", " + max + "]");
    }
    return result;
  }

  static boolean bool(String path, Object value) {
    return switch (value) {
      case Boolean b -> b;
      case String s when s.equals("true") || s.equals("false") -> Boolean.parseBoolean(s);
      default -> throw wrongType(path, "true or false", value);
    };
  }

  static Duration duration(String path, Object value) {
    String text = switch (value) {
      case String s -> s;
      case Long l -> Long.toString(l);
      default -> throw wrongType(path, "a duration such as \"1h\" or \"30m\"", value);
    };
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": " + e.getMessage(), e);
    }
  }

  static List<String> strings(String path, Object value) {
    if (!(value instanceof List<?> list)) {
      throw wrongType(path, "a list", value);
    }
    return java.util.stream.IntStream.range(0, list.size())
        .mapToObj(i -> string(path + "[" + i + "]", list.get(i))).toList();
  }

  static ConfigException wrongType(String path, String expected, Object value) {
    return new ConfigException(path + ": expected " + expected + ", got " + describe(value));
  }

  static String describe(Object value) {
    return switch (value) {
      case String s -> "\"" + s + "\"";
      case Map<?, ?> m -> "a block";
      case List<?> l -> "a list";
      default -> String.valueOf(value);
    };
  }
}
