// Independent reference computations run in NumPy. Debian's python3-numpy installs into
// /usr/bin/python3, which may not be the first python3 on PATH (pyenv), so look for one that
// can import numpy. Tests that need it skip with a clear message when none can.
import { spawnSync } from "node:child_process";

let cached: string | null | undefined;

export function pythonWithNumpy(): string | null {
  if (cached !== undefined) return cached;
  for (const exe of ["/usr/bin/python3", "python3", "python"]) {
    const r = spawnSync(exe, ["-c", "import numpy"], { encoding: "utf8" });
    if (r.status === 0) return (cached = exe);
  }
  return (cached = null);
}

export const NO_NUMPY = "python3 with numpy not found (apt-get install python3-numpy)";

/** Runs a Python script (given as text) with arguments; throws with its stderr on failure. */
export function runPython(script: string, args: string[] = [], input?: string): string {
  const exe = pythonWithNumpy();
  if (!exe) throw new Error(NO_NUMPY);
  const r = spawnSync(exe, ["-c", script, ...args], { encoding: "utf8", input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}
