// Preloaded by bench/process.ts into a measured child: reports the child's peak resident memory (KiB) and the CPU
// time it used (user + system, microseconds) at exit. CPU time is the steadier figure on a loaded machine.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`tinyml-bench-maxrss ${u.maxRSS} cpu ${u.userCPUTime + u.systemCPUTime}\n`);
});
