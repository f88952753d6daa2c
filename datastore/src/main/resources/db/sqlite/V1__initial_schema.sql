-- Signet datastore schema for SQLite: the tables, columns, keys and indexes of db/migration's
-- V1__initial_schema.sql in SQLite's syntax (an INTEGER PRIMARY KEY AUTOINCREMENT is SQLite's identity
-- column: the row id, never reused; BLOB for bytes). The Java migrations after it are shared. Instants are
-- stored as epoch milliseconds; entry expiry and creation time as epoch seconds, as SPIRE's API has them.

CREATE TABLE bundles (
  trust_domain VARCHAR(255) NOT NULL PRIMARY KEY,
  data BLOB NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE registered_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id VARCHAR(255) NOT NULL,
  spiffe_id VARCHAR(2048) NOT NULL,
  parent_id VARCHAR(2048) NOT NULL,
  -- SHA-256 (hex) of spiffe id, parent id and the sorted selector set: SPIRE's notion of a duplicate
  identity_key CHAR(64) NOT NULL,
  x509_svid_ttl INTEGER NOT NULL,
  jwt_svid_ttl INTEGER NOT NULL,
  admin BOOLEAN NOT NULL,
  downstream BOOLEAN NOT NULL,
  expires_at BIGINT NOT NULL,
  revision_number BIGINT NOT NULL,
  store_svid BOOLEAN NOT NULL,
  hint VARCHAR(1024) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT uq_registered_entries_entry_id UNIQUE (entry_id),
  CONSTRAINT uq_registered_entries_identity UNIQUE (identity_key)
);
CREATE INDEX ix_registered_entries_spiffe_id ON registered_entries (spiffe_id);
CREATE INDEX ix_registered_entries_parent_id ON registered_entries (parent_id);
CREATE INDEX ix_registered_entries_expires_at ON registered_entries (expires_at);
CREATE INDEX ix_registered_entries_hint ON registered_entries (hint);

CREATE TABLE entry_selectors (
  entry_seq BIGINT NOT NULL REFERENCES registered_entries (seq) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  type VARCHAR(255) NOT NULL,
  value VARCHAR(2048) NOT NULL,
  PRIMARY KEY (entry_seq, ordinal)
);
CREATE INDEX ix_entry_selectors_type_value ON entry_selectors (type, value);

CREATE TABLE entry_federates_with (
  entry_seq BIGINT NOT NULL REFERENCES registered_entries (seq) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  trust_domain VARCHAR(255) NOT NULL REFERENCES bundles (trust_domain),
  PRIMARY KEY (entry_seq, ordinal)
);
CREATE INDEX ix_entry_federates_with_trust_domain ON entry_federates_with (trust_domain);

CREATE TABLE entry_dns_names (
  entry_seq BIGINT NOT NULL REFERENCES registered_entries (seq) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  dns_name VARCHAR(255) NOT NULL,
  PRIMARY KEY (entry_seq, ordinal)
);

CREATE TABLE attested_nodes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  spiffe_id VARCHAR(2048) NOT NULL,
  attestation_type VARCHAR(255) NOT NULL,
  serial_number VARCHAR(255) NOT NULL,
  expires_at BIGINT,
  new_serial_number VARCHAR(255) NOT NULL,
  new_expires_at BIGINT,
  can_reattest BOOLEAN NOT NULL,
  banned BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT uq_attested_nodes_spiffe_id UNIQUE (spiffe_id)
);
CREATE INDEX ix_attested_nodes_expires_at ON attested_nodes (expires_at);

-- Node selectors exist independently of attested_nodes rows, as in SPIRE.
CREATE TABLE node_selectors (
  spiffe_id VARCHAR(2048) NOT NULL,
  ordinal INTEGER NOT NULL,
  type VARCHAR(255) NOT NULL,
  value VARCHAR(2048) NOT NULL,
  PRIMARY KEY (spiffe_id, ordinal)
);
CREATE INDEX ix_node_selectors_type_value ON node_selectors (type, value);

CREATE TABLE join_tokens (
  token VARCHAR(255) NOT NULL PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX ix_join_tokens_expires_at ON join_tokens (expires_at);

CREATE TABLE ca_journal (
  name VARCHAR(255) NOT NULL PRIMARY KEY,
  data BLOB NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE federation_relationships (
  trust_domain VARCHAR(255) NOT NULL PRIMARY KEY,
  bundle_endpoint_url VARCHAR(2048) NOT NULL,
  bundle_endpoint_profile VARCHAR(32) NOT NULL,
  endpoint_spiffe_id VARCHAR(2048)
);

-- Append-only change log. Ids are handed out from event_head under its row lock, which each writing
-- transaction takes last and holds until commit, so events commit in id order and readers see no gaps.
CREATE TABLE event_head (
  id INTEGER NOT NULL PRIMARY KEY,
  last_id BIGINT NOT NULL
);
INSERT INTO event_head (id, last_id) VALUES (1, 0);

CREATE TABLE change_events (
  id BIGINT NOT NULL PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  event_key VARCHAR(2048) NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX ix_change_events_at ON change_events (at);
