// The Jupyter kernelspec of this checkout: kernel.json pointing at kernel/launch.js, and its
// registration with Jupyter (user, prefix or sys-prefix), the way `ipykernel install` does it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../util/packageRoot";

export const KERNEL_NAME = "instability-lab";
export const KERNEL_DISPLAY_NAME = "Instability Lab (TypeScript)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}


/**
 * kernel.json for this checkout. Absolute paths on purpose: Jupyter copies the spec into its
 * kernels folder, so the spec cannot find the checkout relative to itself. `node` defaults to
 * the Node running the installer, so a conda env's Node is kept even if PATH changes later.
 */
export function kernelSpec(opts: { root?: string; node?: string; displayName?: string } = {}): KernelSpec {
  const root = opts.root ?? packageRoot();
  return {
    argv: [opts.node ?? process.execPath, path.join(root, "kernel", "launch.js"), "{connection_file}"],
    display_name: opts.displayName ?? KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { checkout: root },
  };
}

/** Writes `<dir>/kernel.json` (atomically) plus the logo, creating `dir`. Returns `dir`. */
export function writeKernelSpec(dir: string, spec: KernelSpec = kernelSpec()): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(spec, null, 2) + "\n");
  fs.renameSync(tmp, file);
  const root = path.dirname(path.dirname(spec.argv[1]));
  const logo = path.join(root, "kernel", "logo-svg.svg");
  if (fs.existsSync(logo)) fs.copyFileSync(logo, path.join(dir, "logo-svg.svg"));
  return dir;
}

export interface InstallOptions {
  /** Install into `<prefix>/share/jupyter/kernels` (e.g. a conda env). */
  prefix?: string;
  /** Install into the Python environment of the `jupyter` on PATH (`sys.prefix`). */
  sysPrefix?: boolean;
  /** Kernel name (folder name); default "instability-lab". */
  name?: string;
  /** The `jupyter` command; default "jupyter" from PATH. */
  jupyter?: string;
  spec?: KernelSpec;
}

export interface InstallResult {
  name: string;
  /** Where the kernelspec now lives. */
  dir: string;
  /** How it got there: through `jupyter kernelspec install`, or written directly. */
  via: "jupyter" | "direct";
}

/**
 * Registers the kernel for the user (default), a prefix, or the sys-prefix of the `jupyter` on
 * PATH. Uses `jupyter kernelspec install` when Jupyter is installed; for --user and --prefix
 * without Jupyter it writes the folder itself, so the kernel is there once Jupyter arrives.
 */
export function installKernel(opts: InstallOptions = {}): InstallResult {
  const name = opts.name ?? KERNEL_NAME;
  const jupyter = opts.jupyter ?? "jupyter";
  for (const dir of targetDirs(name, jupyter, opts)) refuseForeignKernel(dir, name);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "instability-kernel-"));
  try {
    const src = writeKernelSpec(path.join(staging, name), opts.spec ?? kernelSpec());
    const where = opts.prefix ? ["--prefix", path.resolve(opts.prefix)] : opts.sysPrefix ? ["--sys-prefix"] : ["--user"];
    const res = spawnSync(jupyter, ["kernelspec", "install", src, "--name", name, "--replace", ...where], { encoding: "utf8" });
    if (!res.error && res.status === 0) {
      // jupyter prints "Installed kernelspec NAME in DIR" on stderr.
      const m = /Installed kernelspec \S+ in (.+)/.exec(`${res.stderr}\n${res.stdout}`);
      return { name, dir: m ? m[1].trim() : "", via: "jupyter" };
    }
    if (!res.error) {
      throw new Error(`\`${jupyter} kernelspec install\` failed (exit ${res.status}): ${(res.stderr || res.stdout).trim()}`);
    }
    if (opts.sysPrefix) {
      throw new Error(`--sys-prefix needs Jupyter: \`${jupyter}\` was not found on PATH; activate the environment that has Jupyter (e.g. \`conda activate instability-lab\`) and retry`);
    }
    const kernels = opts.prefix ? path.join(path.resolve(opts.prefix), "share", "jupyter", "kernels") : path.join(userDataDir(), "kernels");
    const dir = path.join(kernels, name);
    fs.rmSync(dir, { recursive: true, force: true }); // an earlier install of ours (refuseForeignKernel)
    fs.mkdirSync(kernels, { recursive: true });
    fs.cpSync(src, dir, { recursive: true });
    return { name, dir, via: "direct" };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The folders an install under `name` would replace: `jupyter kernelspec install` removes an
 * existing folder of that name, and so would the direct write. For --sys-prefix the environment's
 * folder is one of `jupyter --paths`' data folders other than the user's; all of them are checked.
 */
function targetDirs(name: string, jupyter: string, opts: InstallOptions): string[] {
  if (opts.prefix) return [path.join(path.resolve(opts.prefix), "share", "jupyter", "kernels", name)];
  if (!opts.sysPrefix) return [path.join(userDataDir(), "kernels", name)];
  const res = spawnSync(jupyter, ["--paths", "--json"], { encoding: "utf8" });
  if (res.error || res.status !== 0) return [];
  const data = (JSON.parse(res.stdout) as { data?: string[] }).data ?? [];
  return data.filter((d) => path.resolve(d) !== path.resolve(userDataDir())).map((d) => path.join(d, "kernels", name));
}

/** An existing kernelspec this installer did not write is never replaced: it is someone else's kernel. */
function refuseForeignKernel(dir: string, name: string): void {
  if (!fs.existsSync(dir)) return;
  if (isOurKernel(path.join(dir, "kernel.json"))) return;
  throw new Error(`a Jupyter kernel named "${name}" already exists in ${dir} and is not an Instability Lab kernel; ` +
    `install under another name (--name NAME) or remove that folder yourself`);
}

/** Written by kernelSpec(): it records the checkout and runs a checkout's kernel/launch.js. */
function isOurKernel(file: string): boolean {
  try {
    const spec = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<KernelSpec>;
    const launcher = spec.argv?.[1] ?? "";
    return typeof spec.metadata?.checkout === "string" && path.basename(launcher) === "launch.js" && path.basename(path.dirname(launcher)) === "kernel";
  } catch {
    return false;
  }
}

/** Jupyter's per-user data folder (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "jupyter");
}
