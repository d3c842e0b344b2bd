/**
 * The process a fuzz case runs in (forked by runner.ts): it regenerates the case from its (seed, index) or takes a
 * regression by name, runs every target, and answers with the report, the case's heap growth and the peak RSS so
 * far. A hang or runaway memory is seen and ended by the parent, which then forks a fresh child.
 */
import { generate, PROFILES, runInput, type FuzzInput } from './harness.js';
import { REGRESSIONS } from './regressions.js';
import type { Job, JobReply, RunnerJob } from './runner.js';

function inputOf(job: Job): FuzzInput {
  if (job.type === 'gen') return generate(job.seed, job.index, PROFILES[job.profile]);
  const r = REGRESSIONS.find((x) => x.name === job.name);
  if (!r) throw new Error(`no regression named '${job.name}'`);
  return r.make();
}

process.on('message', (job: RunnerJob) => {
  if (job.type === 'endless') {
    if (job.how === 'cpu') for (;;);
    setInterval(() => undefined, 1000);
    return;
  }
  void (async () => {
    const before = process.memoryUsage();
    const report = await runInput(inputOf(job));
    const after = process.memoryUsage();
    const growth = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
    const reply: JobReply = { report, heapGrowthBytes: growth, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    process.send?.(reply);
  })();
});

// Loaded (the harness and every target imported above): the parent starts a case's clock from here.
process.send?.({ ready: true });
