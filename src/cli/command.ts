// What every sub-command module exports, and the error type that the dispatcher turns into a
// one-line message and a non-zero exit code (no stack trace for bad input).
export interface Command {
  run(argv: string[]): Promise<number>;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}
