package dev.signet.datastore.sql;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.FederationRelationship;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Federation relationships (minimal: endpoint URL, profile, endpoint SPIFFE ID). */
final class Federations {
  private static final String COLUMNS = "trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id";

  private Federations() {}

  static FederationRelationship create(Tx tx, FederationRelationship r) throws SQLException {
    if (fetch(tx.connection(), r.trustDomain()).isPresent()) {
      throw DataStoreException.alreadyExists("federation relationship with \"" + r.trustDomain() + "\" already exists");
    }
    try (PreparedStatement s = tx.connection().prepareStatement(
        "INSERT INTO federation_relationships (" + COLUMNS + ") VALUES (?, ?, ?, ?)")) {
      bind(s, r);
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.FEDERATION_RELATIONSHIP, r.trustDomain());
    return r;
  }

  static FederationRelationship update(Tx tx, FederationRelationship r) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement("UPDATE federation_relationships SET "
        + "trust_domain = ?, bundle_endpoint_url = ?, bundle_endpoint_profile = ?, endpoint_spiffe_id = ? "
        + "WHERE trust_domain = ?")) {
      bind(s, r);
      s.setString(5, r.trustDomain());
      if (s.executeUpdate() == 0) {
        throw DataStoreException.notFound("federation relationship with \"" + r.trustDomain() + "\" not found");
      }
    }
    tx.changed(ChangeEvent.Kind.FEDERATION_RELATIONSHIP, r.trustDomain());
    return r;
  }

  static void delete(Tx tx, String trustDomain) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement(
        "DELETE FROM federation_relationships WHERE trust_domain = ?")) {
      s.setString(1, trustDomain);
      if (s.executeUpdate() == 0) {
        throw DataStoreException.notFound("federation relationship with \"" + trustDomain + "\" not found");
      }
    }
    tx.changed(ChangeEvent.Kind.FEDERATION_RELATIONSHIP, trustDomain);
  }

  static Optional<FederationRelationship> fetch(Connection c, String trustDomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM federation_relationships WHERE trust_domain = ?")) {
      s.setString(1, trustDomain);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  static List<FederationRelationship> list(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM federation_relationships ORDER BY trust_domain");
        ResultSet rs = s.executeQuery()) {
      List<FederationRelationship> result = new ArrayList<>();
      while (rs.next()) {
        result.add(read(rs));
      }
      return result;
    }
  }

  private static void bind(PreparedStatement s, FederationRelationship r) throws SQLException {
    s.setString(1, r.trustDomain());
    s.setString(2, r.bundleEndpointUrl().toString());
    s.setString(3, r.bundleEndpointProfile());
    s.setString(4, r.endpointSpiffeId() == null ? null : r.endpointSpiffeId().toString());
  }

  private static FederationRelationship read(ResultSet rs) throws SQLException {
    String endpointId = rs.getString(4);
    return new FederationRelationship(rs.getString(1), URI.create(rs.getString(2)), rs.getString(3),
        endpointId == null ? null : SpiffeId.parse(endpointId));
  }
}
