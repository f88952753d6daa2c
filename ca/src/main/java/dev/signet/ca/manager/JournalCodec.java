package dev.signet.ca.manager;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The journal's JSON form: {@code {"version": 1, "authorities": [ {entry}, … ]}}. */
final class JournalCodec {
  private static final long VERSION = 1;

  private JournalCodec() {}

  static byte[] encode(List<JournalEntry> entries) {
    List<Object> authorities = new ArrayList<>();
    for (JournalEntry e : entries) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kind", e.kind());
      json.put("slot", e.slotId());
      json.put("status", e.status().name());
      json.put("tainted", e.tainted());
      json.put("issued_at", e.issuedAt().toString());
      if (e.kind().equals(JournalEntry.X509)) {
        json.put("certificates", e.certificates());
        json.put("self_signed", e.selfSigned());
      } else {
        json.put("kid", e.keyId());
        json.put("not_after", e.notAfter().toString());
        json.put("public_key", e.publicKey());
      }
      authorities.add(json);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", VERSION);
    root.put("authorities", authorities);
    return JSONObjectUtils.toJSONString(root).getBytes(StandardCharsets.UTF_8);
  }

  static List<JournalEntry> decode(byte[] bytes) {
    try {
      Map<String, Object> root = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
      long version = JSONObjectUtils.getLong(root, "version");
      if (version != VERSION) {
        throw new IllegalArgumentException("ca journal version " + version + " is not supported");
      }
      List<JournalEntry> entries = new ArrayList<>();
      for (Map<String, Object> json : JSONObjectUtils.getJSONObjectArray(root, "authorities")) {
        String kind = JSONObjectUtils.getString(json, "kind");
        boolean x509 = JournalEntry.X509.equals(kind);
        entries.add(new JournalEntry(kind, JSONObjectUtils.getString(json, "slot"),
            AuthorityStatus.valueOf(JSONObjectUtils.getString(json, "status")),
            JSONObjectUtils.getBoolean(json, "tainted"), Instant.parse(JSONObjectUtils.getString(json, "issued_at")),
            x509 ? JSONObjectUtils.getStringList(json, "certificates") : List.of(),
            x509 && JSONObjectUtils.getBoolean(json, "self_signed"),
            x509 ? null : JSONObjectUtils.getString(json, "kid"),
            x509 ? null : Instant.parse(JSONObjectUtils.getString(json, "not_after")),
            x509 ? null : JSONObjectUtils.getString(json, "public_key")));
      }
      return entries;
    } catch (ParseException | IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new IllegalArgumentException("ca journal is malformed: " + e.getMessage(), e);
    }
  }
}
