package dev.signet.server.api.entry;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.EntryMask;
import java.util.HashSet;
import java.util.Set;

/**
 * Field masks over entries. {@code EntryMask} has one bool per {@code Entry} field with the same name,
 * so masks are applied by field name through the descriptors instead of by hand, field by field.
 */
final class EntryMasks {
  /** Fields a client may change with BatchUpdateEntry when it sends no input mask. */
  static final Set<String> ALL_FIELDS = Set.of("spiffe_id", "parent_id", "selectors", "x509_svid_ttl",
      "jwt_svid_ttl", "federates_with", "admin", "downstream", "expires_at", "dns_names", "store_svid", "hint",
      "additional_attributes");

  private EntryMasks() {}

  /** The updatable field names set in {@code mask}. */
  static Set<String> fieldNames(EntryMask mask) {
    Set<String> names = new HashSet<>();
    for (var field : mask.getAllFields().entrySet()) {
      if (Boolean.TRUE.equals(field.getValue()) && ALL_FIELDS.contains(field.getKey().getName())) {
        names.add(field.getKey().getName());
      }
    }
    return names;
  }

  /** {@code existing} with the fields named in {@code mask} taken from {@code update}. */
  static Entry merge(Entry existing, Entry update, Set<String> mask) {
    Entry.Builder merged = existing.toBuilder();
    for (String name : mask) {
      FieldDescriptor field = Entry.getDescriptor().findFieldByName(name);
      merged.clearField(field);
      if (field.isRepeated() || update.hasField(field) || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        Object value = update.getField(field);
        merged.setField(field, value);
      }
    }
    return merged.build();
  }
}
