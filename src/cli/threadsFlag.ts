// --threads N of finetune, pretrain and bench: the fused kernels' thread count (model/threads.ts),
// set before tfjs loads so that the backend starts with the memory it needs.
import { cores, parseThreads, setThreads } from "../model/threads";
import { CliError } from "./command";

export const THREADS_USAGE = `  --threads N            threads of the fused kernels (default: INSTABILITY_THREADS, else every core: ${cores()} here);
                         the same bytes for every N`;

/** Applies --threads when given; a bad value is a CliError naming the flag. */
export function applyThreadsFlag(text: string | undefined): void {
  if (text === undefined) return;
  try {
    setThreads(parseThreads(text, "--threads"));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
