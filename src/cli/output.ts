import { RegwatchError } from '../model/errors.js';

// Where a command's output goes. A reader that stops reading (`regwatch changes | head -1`) is no
// failure: the rest is dropped quietly and the command's own exit code stands. A stdout that
// cannot take the output (`> /dev/full`: ENOSPC, an I/O error) is reported in one line, without a
// stack trace, and exits 5: the command ran, but its output is lost.

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface ProcessOutput extends CliOutput {
  /** Once the command is done: the failure that lost stdout's output, or null (a closed pipe is none). */
  lostOutput(): Promise<OutputLostError | null>;
}

export class OutputLostError extends RegwatchError<'REGWATCH_OUTPUT_LOST'> {
  constructor(cause: NodeJS.ErrnoException) {
    super('REGWATCH_OUTPUT_LOST', `stdout: the output could not be written (${cause.code ?? cause.message})`, { cause });
  }
}

export function processOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): ProcessOutput {
  let failure: NodeJS.ErrnoException | null = null;
  // Write errors arrive as events (after write() returned); unheard, they end the process with a stack.
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    failure ??= error;
  });
  stderr.on('error', () => {
    // nowhere left to say anything
  });
  return {
    out(text) {
      if (failure !== null) return;
      try {
        stdout.write(text);
      } catch (error) {
        failure = error as NodeJS.ErrnoException;
      }
    },
    err(text) {
      stderr.write(text);
    },
    async lostOutput() {
      // Lets the error of the last write arrive.
      await new Promise((resolve) => setImmediate(resolve));
      if (failure === null || failure.code === 'EPIPE') return null;
      return new OutputLostError(failure);
    },
  };
}
