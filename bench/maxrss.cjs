// Preloaded by bench/process.ts into a measured child: reports the child's peak resident memory (KiB) at exit.
process.on('exit', () => {
  process.stderr.write(`tinyml-bench-maxrss ${process.resourceUsage().maxRSS}\n`);
});
