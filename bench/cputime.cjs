// Preloaded by bench/quantize.ts into a measured child: reports the child's CPU time (user + system, microseconds) at exit.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`tinyml-bench-cpu ${user + system}\n`);
});
