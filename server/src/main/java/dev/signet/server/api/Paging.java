package dev.signet.server.api;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.TrustDomain;

/**
 * Page and batch size limits shared by the list and batch RPCs.
 *
 * <p>SPIRE caps neither: its only bound is gRPC's inbound message size (4 MiB by default on both of its
 * endpoints), so a huge batch fails late and a huge page can exhaust memory. Signet refuses both up
 * front with INVALID_ARGUMENT naming the size and the limit. The limits are far above what SPIRE's own
 * clients send (the CLI pages by hundreds, an agent batches its CSRs by entry), so no SPIRE client
 * meets them in practice, and every item must still fit in one message ({@code Endpoints#MAX_INBOUND_MESSAGE_BYTES} on the admin
 * socket, {@code Endpoints#MAX_TCP_INBOUND_MESSAGE_BYTES} on TCP).
 */
public final class Paging {
  /** The page size used when a client sends 0 (SPIRE: "everything"; we still page, with a next token). */
  public static final int DEFAULT_PAGE_SIZE = 1000;
  /** Largest page a client may ask for. */
  public static final int MAX_PAGE_SIZE = 10_000;
  /** Largest number of items in one batch request. */
  public static final int MAX_BATCH_SIZE = 10_000;

  private Paging() {}

  /** Validates a requested page size; 0 means {@link #DEFAULT_PAGE_SIZE}. */
  public static int pageSize(int requested) {
    if (requested < 0) {
      throw InputValidation.invalid("page_size " + requested + " is negative");
    }
    if (requested > MAX_PAGE_SIZE) {
      throw InputValidation.invalid("page_size " + requested + " exceeds the maximum of " + MAX_PAGE_SIZE);
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : requested;
  }

  /**
   * The trust domain name after which a page of a listing ordered by trust domain starts (federated
   * bundles, federation relationships), or "" for the first page. Such listings issue the last name of a
   * page as the next token, so a token that is not a trust domain name was never issued: it is refused with
   * INVALID_ARGUMENT quoting it, as the datastore refuses a sequence token it did not issue, rather than
   * silently answering some other page.
   */
  public static String trustDomainAfter(String pageToken) {
    if (pageToken.isEmpty()) {
      return "";
    }
    try {
      return new TrustDomain(pageToken).name();
    } catch (InvalidSpiffeIdException e) {
      throw InputValidation.invalid("could not parse page token \"" + pageToken + "\": " + e.getMessage());
    }
  }

  /** Rejects a batch of more than {@link #MAX_BATCH_SIZE} items; {@code what} names the items ("entries"). */
  public static void checkBatch(String what, int size) {
    if (size > MAX_BATCH_SIZE) {
      throw InputValidation.invalid("batch of " + size + " " + what + " exceeds the maximum of " + MAX_BATCH_SIZE
          + " per request");
    }
  }
}
