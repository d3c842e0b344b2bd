// Preloaded by bench/process.ts into a measured child: reports the child's peak resident memory (KiB) and the CPU
// time it used (user + system, microseconds) at exit, all threads together, and on Linux the main thread's own
// (/proc/thread-self/stat, in 10 ms ticks; -1 elsewhere): the rest is V8's compiler and garbage-collector threads.
// CPU time is the steadier figure on a loaded machine.
const { readFileSync } = require('node:fs');

process.on('exit', () => {
  const u = process.resourceUsage();
  let main = -1;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    main = (Number(fields[11]) + Number(fields[12])) * 10000; // utime + stime, in USER_HZ (100) ticks
  } catch {
    // not Linux: no per-thread figure
  }
  process.stderr.write(`tinyml-bench-maxrss ${u.maxRSS} cpu ${u.userCPUTime + u.systemCPUTime} main ${main}\n`);
});
