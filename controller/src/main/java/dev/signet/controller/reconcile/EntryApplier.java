package dev.signet.controller.reconcile;

import dev.signet.controller.entry.Entries;
import dev.signet.controller.server.EntryClient;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out an {@link EntryPlan} on the server: deletes first (so a recreated key is free), then creates (each new
 * entry gets an id {@code <entryIDPrefix><random UUID>}, which is what marks it as the controller's), then updates.
 * Every refused item is logged and counted on its resource's status; a failed call fails only its own step.
 */
public final class EntryApplier {
  private static final Logger LOG = LoggerFactory.getLogger(EntryApplier.class);
  private final EntryClient client;
  private final String entryIdPrefix;
  private final Supplier<UUID> ids;

  public EntryApplier(EntryClient client, String entryIdPrefix) {
    this(client, entryIdPrefix, UUID::randomUUID);
  }

  EntryApplier(EntryClient client, String entryIdPrefix, Supplier<UUID> ids) {
    this.client = client;
    this.entryIdPrefix = entryIdPrefix;
    this.ids = ids;
  }

  /** Applies {@code plan}, recording failures on its statuses. */
  public void apply(EntryPlan plan) {
    if (!plan.toDelete().isEmpty()) {
      List<String> doomed = plan.toDelete().stream().map(Entry::getId).toList();
      try {
        List<Status> statuses = client.delete(doomed);
        for (int i = 0; i < statuses.size(); i++) {
          log(statuses.get(i), "deleted", plan.toDelete().get(i));
        }
      } catch (StatusRuntimeException e) {
        LOG.error("cannot delete {} entries: {}", doomed.size(), e.getStatus());
      }
    }
    List<Declared> creates = plan.toCreate().stream()
        .map(d -> new Declared(d.entry().toBuilder().setId(entryIdPrefix + ids.get()).build(), d.owner()))
        .toList();
    write(plan, creates, "created", client::create);
    write(plan, plan.toUpdate(), "updated", client::update);
  }

  private void write(EntryPlan plan, List<Declared> declared, String verb,
      java.util.function.Function<List<Entry>, List<Status>> call) {
    if (declared.isEmpty()) {
      return;
    }
    List<Status> statuses;
    try {
      statuses = call.apply(declared.stream().map(Declared::entry).toList());
    } catch (StatusRuntimeException e) {
      LOG.error("cannot write {} entries ({}): {}", declared.size(), verb, e.getStatus());
      declared.forEach(d -> plan.failed(d.owner()));
      return;
    }
    for (int i = 0; i < declared.size(); i++) {
      Status status = i < statuses.size() ? statuses.get(i) : Status.UNKNOWN.withDescription("no result");
      if (!status.isOk()) {
        plan.failed(declared.get(i).owner());
      }
      log(status, verb, declared.get(i).entry());
    }
  }

  private static void log(Status status, String verb, Entry entry) {
    if (status.isOk()) {
      LOG.info("{} entry \"{}\" spiffe id {} parent {}", verb, entry.getId(), Entries.text(entry.getSpiffeId()),
          Entries.text(entry.getParentId()));
    } else {
      LOG.error("entry \"{}\" spiffe id {} not {}: {} {}", entry.getId(), Entries.text(entry.getSpiffeId()), verb,
          status.getCode(), status.getDescription());
    }
  }
}
