// Independent reference computations run in NumPy. Debian's python3-numpy installs into
// /usr/bin/python3, which may not be the first python3 on PATH (pyenv), so look for one that
// can import numpy. Tests that need it skip with a clear message when none can.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

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

// The Python test references that come from PyPI (transformers, tokenizers, torch, JupyterLab)
// live in the virtual environment that .ci/run creates at <repo>/.venv (with Debian's
// python3-torch and numpy visible through --system-site-packages). INSTABILITY_TEST_PYTHON
// points at another interpreter. Tests that need a module skip with a clear message when absent.
const venvCache = new Map<string, string | null>();

/** An interpreter that can import every module named, or null. */
export function pythonWith(modules: string[]): string | null {
  const key = modules.join(",");
  if (venvCache.has(key)) return venvCache.get(key)!;
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const candidates = [process.env.INSTABILITY_TEST_PYTHON, path.join(repoRoot, ".venv", "bin", "python"), "/usr/bin/python3", "python3"];
  for (const exe of candidates) {
    if (!exe || (exe.includes(path.sep) && !fs.existsSync(exe))) continue;
    const r = spawnSync(exe, ["-c", modules.map((m) => `import ${m}`).join("; ") || "pass"], { encoding: "utf8" });
    if (r.status === 0) {
      venvCache.set(key, exe);
      return exe;
    }
  }
  venvCache.set(key, null);
  return null;
}

/** The skip message for tests that need `modules`. */
export function missingPython(modules: string[]): string {
  return `python with ${modules.join(", ")} not found: run the venv step of .ci/run (python/requirements-test.txt) or set INSTABILITY_TEST_PYTHON`;
}
