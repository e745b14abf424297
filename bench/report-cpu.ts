// Preloaded with `node --require` by bench/finetune.bench.ts: prints this process's CPU time as
// the last line of stderr when it exits, so a whole CLI run can be compared by CPU time.
process.on("exit", () => {
  const u = process.cpuUsage();
  process.stderr.write(`\n${JSON.stringify({ cpu_s: (u.user + u.system) / 1e6 })}\n`);
});
