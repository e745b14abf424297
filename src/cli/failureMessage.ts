// What a command's unexpected failure says. A bad run file or a file-system refusal (full disk,
// read-only folder, a file where a folder should be) is the user's to fix, so it is one line that
// names the file and the fix; anything else is a bug and keeps its stack trace for the report.
import { RunFormatError } from "../runs";

const FIX_BY_CODE: Record<string, string> = {
  ENOSPC: "free some space on that disk or write elsewhere (--out)",
  EDQUOT: "free some of your disk quota or write elsewhere (--out)",
  EROFS: "that file system is read-only; write elsewhere (--out)",
  EACCES: "you may not write or read there; fix its permissions or choose another folder",
  EPERM: "you may not write or read there; fix its permissions or choose another folder",
  ENOTDIR: "a file stands where a folder is needed; choose another path",
  EISDIR: "a folder stands where a file is needed; choose another path",
  EMFILE: "too many open files; raise the limit (ulimit -n) and run again",
};

/** One line for errors the user can fix; undefined for bugs, which keep their stack trace. */
export function userFailureMessage(err: unknown): string | undefined {
  if (err instanceof RunFormatError) return err.message;
  const e = err as NodeJS.ErrnoException;
  const fix = e && typeof e.code === "string" ? FIX_BY_CODE[e.code] : undefined;
  if (!fix) return undefined;
  const where = e.path ? ` (${e.path})` : "";
  return `${e.message.split("\n")[0]}${e.path && e.message.includes(e.path) ? "" : where}: ${fix}`;
}
