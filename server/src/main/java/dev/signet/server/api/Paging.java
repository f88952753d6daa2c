package dev.signet.server.api;

/** Page and batch size limits shared by the list and batch RPCs. */
public final class Paging {
  /** Largest page a client may ask for; 0 asks for this many. */
  public static final int MAX_PAGE_SIZE = 1000;
  /** Largest number of items in one batch request. */
  public static final int MAX_BATCH_SIZE = 1000;

  private Paging() {}

  /** Validates a requested page size; 0 means the server's maximum. */
  public static int pageSize(int requested) {
    if (requested < 0) {
      throw InputValidation.invalid("page_size " + requested + " is negative");
    }
    if (requested > MAX_PAGE_SIZE) {
      throw InputValidation.invalid("page_size " + requested + " exceeds the maximum of " + MAX_PAGE_SIZE);
    }
    return requested == 0 ? MAX_PAGE_SIZE : requested;
  }

  /** Rejects a batch larger than {@link #MAX_BATCH_SIZE}. */
  public static void checkBatch(String what, int size) {
    if (size > MAX_BATCH_SIZE) {
      throw InputValidation.invalid(what + " batch of " + size + " exceeds the maximum of " + MAX_BATCH_SIZE);
    }
  }
}
