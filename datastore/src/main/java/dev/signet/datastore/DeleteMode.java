package dev.signet.datastore;

/** What deleting a federated bundle does to entries that federate with it (SPIRE's {@code DeleteMode}). */
public enum DeleteMode {
  /** Refuse ({@link DataStoreException.Kind#IN_USE}) while any entry federates with the bundle. */
  RESTRICT,
  /** Delete the entries that federate with the bundle as well. */
  DELETE,
  /** Remove the trust domain from those entries' federates-with lists and keep the entries. */
  DISSOCIATE
}
