// What every sub-command module exports, and the error type that the dispatcher turns into a
// one-line message and a non-zero exit code (no stack trace for bad input).

import { parseArgs, type ParseArgsConfig } from "node:util";

export interface Command {
  run(argv: string[]): Promise<number>;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Node's parseArgs, with its errors (unknown option, missing value) as one-line CLI errors that
 * point at the command's --help. `command` is what follows `instability`, e.g. "bench train".
 */
export function parseCliArgs<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new CliError(`${(err as Error).message.replace(/\s*\n\s*/g, " ")}; see \`instability ${command} --help\``);
  }
}

/**
 * Runs `fn` (sync or async) and turns what it throws into a one-line CliError, with `prefix`
 * (e.g. "--seeds: ") before the message: for library calls whose errors describe bad input.
 */
export function asCliError<T>(fn: () => T, prefix = ""): T {
  const wrap = (err: unknown): never => {
    throw err instanceof CliError ? err : new CliError(`${prefix}${err instanceof Error ? err.message : String(err)}`);
  };
  try {
    const result = fn();
    return (result instanceof Promise ? result.catch(wrap) : result) as T;
  } catch (err) {
    return wrap(err);
  }
}
