package dev.stencil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./stencil}: every report, benchmark and the main job are subcommands. */
@Command(name = "stencil", mixinStandardHelpOptions = true, version = "stencil 0.1.0",
        description = "Token masks that make a language model follow a JSON Schema or a grammar.",
        subcommands = {DemoCommand.class, BenchCommand.class, CheckCommand.class, GenerateCommand.class, CorpusCommand.class, ComplianceCommand.class, EvalCommand.class, CompareCommand.class})
public final class StencilCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code ./stencil} runs it (also used by the CLI tests). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new StencilCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Input errors get one clear line; anything else keeps its stack trace for a bug report.
            if (ex instanceof dev.stencil.automata.StencilException || ex instanceof IllegalArgumentException) {
                cmd.getErr().println("stencil: " + ex.getMessage());
            } else {
                ex.printStackTrace(cmd.getErr());
            }
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
