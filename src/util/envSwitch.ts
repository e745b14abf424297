// The process's switches (INSTABILITY_FUSED, INSTABILITY_BLAS, INSTABILITY_THREADS, …), each read
// from the environment once and remembered. Reading process.env calls into Node's C++ side
// (~0.3–1 µs), and the kernels ask for their switches several times per kernel, a few thousand
// times a training step (bench/PROFILE.md, eleventh session). Code that changes a switch after it
// was first read (a test) calls refreshEnvSwitches().

const seen = new Map<string, string | undefined>();

/** The environment variable `name` as the process first read it (undefined: unset). */
export function envSwitch(name: string): string | undefined {
  if (seen.has(name)) return seen.get(name);
  const value = process.env[name];
  seen.set(name, value);
  return value;
}

/** Forgets what envSwitch read: the next read sees the environment as it is now. */
export function refreshEnvSwitches(): void {
  seen.clear();
}
