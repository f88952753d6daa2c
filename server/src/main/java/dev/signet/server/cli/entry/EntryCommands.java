package dev.signet.server.cli.entry;

import picocli.CommandLine.Command;

/** {@code entry}: manage registration entries, as {@code spire-server entry}. */
@Command(name = "entry", description = "Create, show, update and delete registration entries",
    subcommands = {EntryCreateCommand.class, EntryUpdateCommand.class, EntryDeleteCommand.class,
        EntryShowCommand.class, EntryCountCommand.class})
public final class EntryCommands {}
