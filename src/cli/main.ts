import { VERSION } from '../runtime/version.js';
import { commandArgs, readInvocation, usage, VersionAsked } from './args.js';
import { EXIT, failureReport } from './exit-codes.js';
import { COMMAND_NAMES, isCommandName, showHelp, type CommandName } from './help-text.js';
import { processOutput, type CliOutput, type ProcessOutput } from './output.js';

// `regwatch [global options] <command> [arguments]`: help, the version, or one command, whose
// module is loaded only now, so that a command loads only what it needs (`--version` loads none;
// `changes` no watcher, HTTP client, scheduler or server). Whatever a command throws ends here,
// and its code chooses the exit code (exit-codes.ts).

export type CommandRun = (args: string[], output: CliOutput) => Promise<number>;

const COMMANDS: Record<CommandName, () => Promise<{ run: CommandRun }>> = {
  refresh: () => import('./refresh-command.js'),
  changes: () => import('./changes-command.js'),
  sources: () => import('./sources-command.js'),
  inspect: () => import('./inspect-command.js'),
  serve: () => import('./serve-command.js'),
  notify: () => import('./notify-command.js'),
  page: () => import('./page-command.js'),
  demo: () => import('./demo-command.js'),
};

export async function main(argv: string[], output: ProcessOutput = processOutput()): Promise<number> {
  let exit: number;
  try {
    exit = await dispatch(argv, output);
  } catch (error) {
    exit = fail(error, output);
  }
  const lost = await output.lostOutput();
  return lost === null ? exit : fail(lost, output);
}

async function dispatch(argv: string[], output: CliOutput): Promise<number> {
  const invocation = readInvocation(argv);
  if (invocation.version) return showVersion(output);
  const { command, leading, rest } = invocation;
  if (command === undefined) {
    if (!invocation.help && leading.length > 0) throw usage(`no command given (commands: ${COMMAND_NAMES.join(', ')}; see regwatch --help)`);
    return showHelp(output);
  }
  if (command === 'help') return showHelp(output, rest[0]);
  if (!isCommandName(command)) throw usage(`unknown command "${command}" (commands: ${COMMAND_NAMES.join(', ')}; see regwatch --help)`);
  const { run } = await COMMANDS[command]();
  try {
    return await run(commandArgs(leading, rest), output);
  } catch (error) {
    // `regwatch <command> --version`, once the command's parser has taken its arguments.
    if (error instanceof VersionAsked) return showVersion(output);
    throw error;
  }
}

function showVersion(output: CliOutput): number {
  output.out(`${VERSION}\n`);
  return EXIT.ok;
}

function fail(error: unknown, output: CliOutput): number {
  const { exit, text } = failureReport(error);
  output.err(text);
  return exit;
}
