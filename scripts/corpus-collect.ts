// Writes test/corpus/manifest.tsv from the fetched bare mirrors (/work/.mirror/OWNER+NAME/repo): every .tflite blob that
// a rule below selects, with repository, path, commit, licence, size, sha256 and category. Git LFS pointers and blobs
// the snapshot left out are skipped. Run again after fetching another repository and adding its rules:
//   node --import tsx scripts/corpus-collect.ts --mirrors /work/.mirror [--out test/corpus/manifest.tsv]
// The models themselves are never committed; `npm run corpus -- fill` copies them into .corpus/ by sha256.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_COLUMNS, type CorpusEntry, formatManifest, mirrorDir } from './corpus-lib.js';

interface Rule {
  readonly repo: string;
  readonly licence: string;
  /** Path test; the first matching rule of the repository gives the category. */
  readonly match: RegExp;
  readonly category: string;
  /** Name prefix in the corpus. */
  readonly prefix: string;
}

const TFLM = 'tensorflow/tflite-micro';
const MLC = 'mlcommons/tiny';
const T2O = 'zhenhuaw-me/tflite2onnx';
const CORAL = 'google-coral/edgetpu';
const SUPPORT = 'tensorflow/tflite-support';
const HIMAX = 'HimaxWiseEyePlus/Seeed_Grove_Vision_AI_Module_V2';

// Categories: cnn, rnn, transformer, detection, segmentation, pose, audio (classifiers), audio-frontend, mlp, int16x8,
// npu-vela, npu-edgetpu, text (STRING tensors or tokenizers), op (single-op test models published with a converter or
// TFLM); a model in two joins them with '+' (a Vela-compiled transformer: transformer+npu-vela).
const RULES: readonly Rule[] = [
  { repo: TFLM, licence: 'Apache-2.0', match: /_vela\.tflite$/, category: 'npu-vela', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /lstm/, category: 'rnn', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /audio_preprocessor/, category: 'audio-frontend', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /dtln/, category: 'rnn', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /(hello_world|sine_float)/, category: 'mlp', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /seanet\/(conv|transpose_conv)\//, category: 'int16x8', prefix: 'tflm_seanet' },
  { repo: TFLM, licence: 'Apache-2.0', match: /seanet\/[a-z_]+\/[a-z_]+[0-3]\.tflite$/, category: 'int16x8', prefix: 'tflm_seanet' },
  { repo: TFLM, licence: 'Apache-2.0', match: /simple_add_model/, category: 'op', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /(keyword|micro_speech_quantized)/, category: 'audio', prefix: 'tflm' },
  { repo: TFLM, licence: 'Apache-2.0', match: /(person_detect|mobilenet)/, category: 'cnn', prefix: 'tflm' },
  { repo: MLC, licence: 'Apache-2.0', match: /anomaly_detection/, category: 'mlp', prefix: 'mlc' },
  { repo: MLC, licence: 'Apache-2.0', match: /(keyword_spotting|streaming_wakeword)/, category: 'audio', prefix: 'mlc' },
  { repo: MLC, licence: 'Apache-2.0', match: /\.tflite$/, category: 'cnn', prefix: 'mlc' },
  { repo: T2O, licence: 'Apache-2.0', match: /mobilenet/, category: 'cnn', prefix: 't2o' },
  { repo: T2O, licence: 'Apache-2.0', match: /\.tflite$/, category: 'op', prefix: 't2o' },
  { repo: CORAL, licence: 'Apache-2.0', match: /invalid_models/, category: 'op', prefix: 'coral' },
  { repo: CORAL, licence: 'Apache-2.0', match: /(_edgetpu|custom_op)\.tflite$/, category: 'npu-edgetpu', prefix: 'coral' },
  { repo: CORAL, licence: 'Apache-2.0', match: /deeplab/, category: 'segmentation', prefix: 'coral' },
  { repo: CORAL, licence: 'Apache-2.0', match: /posenet/, category: 'pose', prefix: 'coral' },
  { repo: CORAL, licence: 'Apache-2.0', match: /ssd_/, category: 'detection', prefix: 'coral' },
  { repo: CORAL, licence: 'Apache-2.0', match: /\.tflite$/, category: 'cnn', prefix: 'coral' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /(\/text\/|tokenizer|nl_classifier|wiki40b-lm)/, category: 'text', prefix: 'tfls' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /(yamnet|\/audio\/)/, category: 'audio', prefix: 'tfls' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /(ssd_|object_detector)/, category: 'detection', prefix: 'tfls' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /deeplab/, category: 'segmentation', prefix: 'tfls' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /movenet/, category: 'pose', prefix: 'tfls' },
  { repo: SUPPORT, licence: 'Apache-2.0', match: /\.tflite$/, category: 'cnn', prefix: 'tfls' },
  // Himax WE2 (Ethos-U55) model zoo: every model here is Vela-compiled (checked: each has ethos-u custom ops)
  { repo: HIMAX, licence: 'MIT', match: /kwt1/, category: 'transformer+npu-vela', prefix: 'himax' },
  { repo: HIMAX, licence: 'MIT', match: /\/yolov8n_pose_[^/]*$/, category: 'pose+npu-vela', prefix: 'himax' },
  { repo: HIMAX, licence: 'MIT', match: /\/(yolo[^/]*|0_fd_[^/]*)$/, category: 'detection+npu-vela', prefix: 'himax' },
  { repo: HIMAX, licence: 'MIT', match: /\.tflite$/, category: 'cnn+npu-vela', prefix: 'himax' },
];

function git(dir: string, args: string[]): Buffer {
  return execFileSync('git', ['-C', dir, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

function nameFor(prefix: string, path: string, taken: Set<string>): string {
  const base = path.split('/').pop()!.replace(/\.tflite$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_');
  let name = `${prefix}_${base}`;
  for (let i = 2; taken.has(name); i++) name = `${prefix}_${base}_${i}`;
  taken.add(name);
  return name;
}

function collect(mirrors: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  const seen = new Set<string>();
  const taken = new Set<string>();
  for (const repo of [...new Set(RULES.map((r) => r.repo))]) {
    const dir = mirrorDir(mirrors, repo);
    if (!existsSync(dir)) {
      console.error(`corpus-collect: no mirror of ${repo} under ${mirrors} (skipped)`);
      continue;
    }
    const commit = git(dir, ['rev-parse', 'HEAD']).toString().trim();
    const listing = git(dir, ['ls-tree', '-r', '-z', 'HEAD']).toString().split('\0');
    for (const line of listing) {
      const m = /^\d+ blob ([0-9a-f]{40})\t(.*\.tflite)$/.exec(line);
      if (!m) continue;
      const [, blob, path] = m as unknown as [string, string, string];
      const rule = RULES.find((r) => r.repo === repo && r.match.test(path));
      if (!rule) continue;
      let bytes: Buffer;
      try {
        bytes = git(dir, ['cat-file', 'blob', blob]);
      } catch {
        continue; // left out of the snapshot
      }
      if (bytes.subarray(0, 32).toString('latin1').startsWith('version https://git-lfs')) continue;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (seen.has(sha256)) continue; // the same file published twice: one row
      seen.add(sha256);
      entries.push({
        name: nameFor(rule.prefix, path, taken), repo, path, commit, licence: rule.licence, sha256, size: bytes.length,
        category: rule.category,
      });
    }
  }
  return entries;
}

const args = process.argv.slice(2);
const opt = (flag: string, def: string): string => {
  const i = args.indexOf(flag);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const out = resolve(opt('--out', join('test', 'corpus', 'manifest.tsv')));
const entries = collect(resolve(opt('--mirrors', '/work/.mirror')));
writeFileSync(out, formatManifest(entries));
const byCat = new Map<string, number>();
for (const e of entries) byCat.set(e.category, (byCat.get(e.category) ?? 0) + 1);
console.log(`${entries.length} models (${MANIFEST_COLUMNS.length} columns) -> ${out}`);
console.log([...byCat].map(([c, n]) => `${c} ${n}`).join(', '));
