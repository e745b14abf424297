// A real Jupyter server (JupyterLab 4 or Notebook 7 from <repo>/.venv, what requirements.txt
// installs) for the browser tests: 127.0.0.1, a free port, a random token, and its own config,
// data and runtime folders, so neither the user's settings nor its notebook-trust database
// leak in. The kernel is the one `npm run kernel:install -- --sys-prefix` registered in .venv.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
export const KERNEL_NAME = "instability-lab";

/** `<repo>/.venv/bin/jupyter` when it has JupyterLab and Notebook, else null. */
export function venvJupyter(): string | null {
  const exe = path.join(repoRoot, ".venv", "bin", "jupyter");
  if (!fs.existsSync(exe)) return null;
  for (const app of ["lab", "notebook"]) {
    const r = spawnSync(exe, [app, "--version"], { encoding: "utf8", timeout: 60_000 });
    if (r.error || r.status !== 0) return null;
  }
  return exe;
}

export const NO_VENV_JUPYTER =
  ".venv has no JupyterLab/Notebook: run .ci/run's venv step (/usr/bin/python3 -m venv --system-site-packages .venv && .venv/bin/pip install -r requirements.txt)";

/**
 * Why the registered kernel cannot be used, or null when `jupyter` finds "instability-lab"
 * pointing at this checkout's kernel/launch.js (what a user's `npm run kernel:install` leaves).
 */
export function kernelProblem(jupyter: string): string | null {
  // An empty per-user data folder, as the servers below get: only .venv's kernels count.
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "instability-kernels-"));
  const r = spawnSync(jupyter, ["kernelspec", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data }, timeout: 60_000 });
  fs.rmSync(data, { recursive: true, force: true });
  if (r.error || r.status !== 0) return `\`${jupyter} kernelspec list\` failed: ${r.error?.message ?? r.stderr}`;
  const spec = (JSON.parse(r.stdout) as { kernelspecs: Record<string, { spec: { argv: string[] } }> }).kernelspecs[KERNEL_NAME];
  const fix = `run \`PATH=${path.dirname(jupyter)}:$PATH npm run kernel:install -- --sys-prefix\``;
  if (!spec) return `the ${KERNEL_NAME} kernel is not registered with ${jupyter}: ${fix}`;
  const launcher = path.join(repoRoot, "kernel", "launch.js");
  if (spec.spec.argv[1] !== launcher) return `the registered ${KERNEL_NAME} kernel runs ${spec.spec.argv[1]}, not ${launcher}: ${fix}`;
  return null;
}

export interface JupyterServer {
  app: "lab" | "notebook";
  /** http://127.0.0.1:PORT */
  base: string;
  token: string;
  rootDir: string;
  /** `${base}${p}` with the token as query parameter. */
  url(p: string): string;
  /** A REST call to the server's API; parsed JSON (or null for 204). */
  api(p: string, init?: { method?: string; body?: unknown }): Promise<unknown>;
  /** The server's log so far (stdout + stderr). */
  log(): string;
  /** Shuts down its kernels, then the server; removes its private folders. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `jupyter lab` or `jupyter notebook` serving `rootDir`. `env` is added to the server's
 * environment (kernels inherit it). Resolves once /api/status answers.
 */
export async function startJupyter(jupyter: string, app: "lab" | "notebook", rootDir: string, env: NodeJS.ProcessEnv = {}): Promise<JupyterServer> {
  const priv = fs.mkdtempSync(path.join(os.tmpdir(), `instability-${app}-`));
  const dirs = Object.fromEntries(["config", "data", "runtime", "workspaces"].map((d) => [d, path.join(priv, d)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const child: ChildProcess = spawn(jupyter, [
    app, "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${rootDir}`,
    // CI runs as root; Jupyter refuses that unless told.
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ], {
    env: {
      ...process.env, ...env,
      JUPYTER_CONFIG_DIR: dirs.config, JUPYTER_DATA_DIR: dirs.data, JUPYTER_RUNTIME_DIR: dirs.runtime,
      JUPYTERLAB_WORKSPACES_DIR: dirs.workspaces,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (b) => (log += b));
  child.stderr!.on("data", (b) => (log += b));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A test process that dies (timeout, crash) takes its server along; the server stops its kernels.
  const onExit = () => child.kill("SIGTERM");
  process.once("exit", onExit);
  void exited.then(() => process.removeListener("exit", onExit));
  const base = `http://127.0.0.1:${port}`;
  const api = async (p: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${base}${p}`, {
      method: init.method ?? "GET",
      headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${p}: HTTP ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        for (const k of (await api("/api/kernels")) as { id: string }[]) await api(`/api/kernels/${k.id}`, { method: "DELETE" });
      } catch {
        // The server may already be gone; SIGTERM below still stops it (it shuts kernels down too).
      }
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(priv, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter ${app} exited (${child.exitCode}) before answering:\n${log.slice(-4000)}`);
    try {
      await api("/api/status");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`jupyter ${app} did not answer on ${base} within 120 s:\n${log.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    app, base, token, rootDir,
    url: (p) => `${base}${p}${p.includes("?") ? "&" : "?"}token=${token}`,
    api, log: () => log, stop,
  };
}
