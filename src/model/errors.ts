// Every failure regwatch raises on purpose is a RegwatchError: its message names the stage
// (`fetch: GET <url> returned 403`, `config: sources[2].url: must be an https URL`) and its code is
// stable, so a check keeps it in the database (checks.code), sources.json shows a source's last one
// (lastCode) and the CLI chooses its exit code from it (src/cli/exit-codes.ts). Anything thrown
// without a code is a bug.

export class RegwatchError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
