// Turning runs into shell commands, for users who spread a sweep over other machines: one command
// per run (`--print-commands`). Every command is one line: an argument with a control character
// (a newline in a path would split the line, and the rest would run as a command) is refused.
import type { RunCommand } from "./pool";

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Throws, naming `what`, when `text` holds a control character (newline, tab, escape, …). */
export function refuseControlCharacters(what: string, text: string): string {
  const m = CONTROL.exec(text);
  if (m) {
    const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    throw new Error(`${what}: ${JSON.stringify(text)} holds a control character (${code}); it cannot go into a one-line command: rename it without one`);
  }
  return text;
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-.,/:=@%+]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(cmd: RunCommand): string {
  return [cmd.command, ...cmd.args].map((a) => shellQuote(refuseControlCharacters("argument", a))).join(" ");
}
