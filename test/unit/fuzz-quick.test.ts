/**
 * The quick run of the structure-aware fuzzer (test/fuzz/): the regression corpus, then a seeded batch of generated
 * models, TF.js models and manifests, each through every target in a child process. Every case must end in a result
 * or a typed error, without hanging (30 s per case, far above what a case needs) or passing 1 GiB of RSS; finding
 * classes listed in test/fuzz/known-open.ts are tolerated until their fixes merge, and printed in a banner.
 * FUZZ_SEED and FUZZ_CASES override the seed and the count.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSummary, regressionJobs, runCampaign, type CampaignSummary } from '../fuzz/campaign.js';
import { generate, PROFILES, typedErrorName } from '../fuzz/harness.js';
import { REGRESSIONS } from '../fuzz/regressions.js';
import { ModelFormatError } from '../../server/src/model/errors.js';
import { QuantizeError } from '../../server/src/quantize/index.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x140f);
const CASES = Number(process.env['FUZZ_CASES'] ?? 400);
const BUDGET_MS = 30_000;
const RSS_LIMIT = 2 ** 30;

function unexpected(s: CampaignSummary): string[] {
  return [...s.groups.values()].filter((g) => g.known === null).map((g) => `[${g.kind}] ${g.cls}: ${g.first.detail}`);
}

describe('structure-aware fuzz (quick run)', () => {
  test('the oracle: typed errors are accepted, anything else is a finding', () => {
    assert.match(typedErrorName(new ModelFormatError('truncated', 0, '', 'x', 0)) ?? '', /^ModelFormatError:truncated$/);
    assert.match(typedErrorName(new QuantizeError('unsupported-op', 'x')) ?? '', /^QuantizeError/);
    assert.equal(typedErrorName(new TypeError('x')), null);
    assert.equal(typedErrorName(new RangeError('Maximum call stack size exceeded')), null);
  });

  test('cases replay: the same (seed, index) gives the same input', () => {
    for (let i = 0; i < 50; i++) {
      const a = generate(SEED, i, PROFILES.quick);
      const b = generate(SEED, i, PROFILES.quick);
      assert.deepEqual(a, b, `case ${i}`);
    }
  });

  test(`regression corpus: ${REGRESSIONS.length} minimised findings`, async () => {
    const s = await runCampaign({ jobs: regressionJobs(), budgetMs: BUDGET_MS, rssLimitBytes: RSS_LIMIT });
    console.log(formatSummary(s, 'fuzz regression corpus'));
    assert.equal(s.cases, REGRESSIONS.length);
    assert.deepEqual(unexpected(s), []);
  });

  test(`seed ${SEED}: ${CASES} generated cases end in a result or a typed error`, async () => {
    const s = await runCampaign({ jobs: { seed: SEED, cases: CASES, profile: 'quick' }, budgetMs: BUDGET_MS, rssLimitBytes: RSS_LIMIT });
    console.log(formatSummary(s, `fuzz quick run, seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_CASES=${CASES} to replay)`));
    assert.equal(s.cases, CASES);
    // The generators must reach deep: models that read and analyse, and typed errors from several stages.
    assert.ok((s.stageEnds['analyze ok'] ?? 0) > CASES / 10, 'too few models get through the analysis');
    assert.ok(Object.keys(s.stageEnds).some((k) => k.startsWith('read ModelFormatError')), 'no reader errors: mutation is not working');
    assert.ok((s.stageEnds['manifest ok'] ?? 0) > 0 && (s.stageEnds['tfjs-read ok'] ?? 0) > 0, 'every input kind is exercised');
    assert.deepEqual(unexpected(s), []);
  });
});
