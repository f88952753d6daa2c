package dev.signet.common.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds a binary's command line with only the verb a call names. picocli reads the options of every command by
 * reflection when a command is added, so building the whole tree of {@code signet-server} (14 verbs, about 50
 * commands) for each call cost a third of an admin CLI call's start-up (issue 16). When the first argument names a
 * verb, only that verb and its subcommands are added; otherwise (no argument, a flag such as {@code -h}, or a word
 * no verb answers to) all of them are, so the usage lists every verb and picocli suggests the closest one as before.
 */
public final class SubcommandsOnDemand {
  private SubcommandsOnDemand() {}

  /**
   * {@code root} with the verbs {@code args} needs added, and the help flags of {@link HelpOptions}; each verb is a
   * class annotated with picocli's {@link Command}.
   */
  public static CommandLine commandLine(Object root, List<Class<?>> verbs, String... args) {
    CommandLine commandLine = new CommandLine(root);
    // the first verb that answers: reading a verb's annotation loads the classes of its subcommands, so the verbs
    // listed after it are not read at all
    List<Class<?>> named = args.length == 0 ? List.of()
        : verbs.stream().filter(verb -> answersTo(verb, args[0])).limit(1).toList();
    for (Class<?> verb : named.isEmpty() ? verbs : named) {
      commandLine.addSubcommand(verb);
    }
    return HelpOptions.install(commandLine);
  }

  private static boolean answersTo(Class<?> verb, String word) {
    Command command = verb.getAnnotation(Command.class);
    if (command == null) {
      throw new IllegalArgumentException(verb.getName() + " is not a picocli @Command");
    }
    return command.name().equals(word) || Arrays.asList(command.aliases()).contains(word);
  }
}
