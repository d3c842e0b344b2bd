/**
 * ONNX ModelProtos for the converter: a random chain of the ops it maps (and some it does not), with random shapes,
 * attributes and constants, hostile values at the given rate (huge or negative dims, pads and axes, groups that do
 * not divide, opsets out of range, data shorter than its dims), and often byte damage (flips, truncation, splices).
 */
import { ModelProtoType } from '../../../server/src/convert/onnx/proto.js';
import { mutateBytes } from './mutate.js';
import type { Rng } from './rng.js';

type Attr = Record<string, unknown>;
interface Graph { nodes: Attr[]; inits: Attr[]; channels: number; size: number; rank: number; last: string; n: number }

const ints = (name: string, v: number[]): Attr => ({ name, type: 7, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: 2, i: v });
const str = (name: string, v: string): Attr => ({ name, type: 3, s: new TextEncoder().encode(v) });

function dim(rng: Rng, hostility: number, lo: number, hi: number): number {
  if (rng.chance(hostility / 4)) return rng.pick([0, -1, 2 ** 31, 2 ** 40, 65537]);
  return rng.int(lo, hi);
}

function init(g: Graph, rng: Rng, hostility: number, dims: number[]): string {
  const name = `c${g.inits.length}`;
  const count = dims.reduce((a, b) => a * (b > 0 ? b : 0), 1);
  const short = rng.chance(hostility / 4);
  const n = short ? rng.int(0, 3) : Math.min(count, 4096);
  const data = Array.from({ length: n }, () => rng.float() * 2 - 1);
  g.inits.push(rng.chance(0.5) || n !== count ? { name, dims, dataType: 1, floatData: data } : { name, dims, dataType: 1, rawData: new Uint8Array(Float32Array.from(data).buffer) });
  return name;
}

function step(g: Graph, rng: Rng, hostility: number): void {
  const x = g.last;
  const y = `t${g.n++}`;
  const op = rng.pick(['Conv', 'Conv', 'DwConv', 'Relu', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Mul', 'Concat', 'BatchNormalization',
    'Flatten', 'Gemm', 'Reshape', 'Transpose', 'Resize', 'Pad', 'Softmax', 'Sigmoid', 'HardSwish', 'LeakyRelu', 'Elu', 'LSTM', 'TreeEnsembleClassifier']);
  const k = rng.int(1, 3);
  const hostile = (v: number): number => (rng.chance(hostility / 3) ? rng.pick([-3, 0, 99999, 2 ** 33]) : v);
  switch (op) {
    case 'Conv': case 'DwConv': {
      const group = op === 'DwConv' ? g.channels : rng.chance(hostility / 3) ? rng.int(2, 5) : 1;
      const m = op === 'DwConv' ? g.channels * rng.int(1, 2) : dim(rng, hostility, 1, 8);
      const w = init(g, rng, hostility, [m, Math.max(1, Math.floor(g.channels / Math.max(1, group))), k, k]);
      g.nodes.push({ opType: 'Conv', input: [x, w], output: [y], attribute: [int('group', hostile(group)), ints('pads', [0, 1, 2, 3].map(() => hostile(rng.int(0, 1)))),
        ints('strides', [hostile(rng.int(1, 2)), rng.int(1, 2)]), ...(rng.chance(0.2) ? [str('auto_pad', rng.pick(['SAME_UPPER', 'SAME_LOWER', 'VALID', 'BOGUS']))] : [])] });
      g.channels = m;
      break;
    }
    case 'MaxPool': case 'AveragePool':
      g.nodes.push({ opType: op, input: [x], output: [y], attribute: [ints('kernel_shape', [hostile(k), k]), ints('strides', [rng.int(1, 2), rng.int(1, 2)]), ints('pads', [0, 1, 2, 3].map(() => hostile(rng.int(0, 1)))), int('ceil_mode', rng.int(0, 1)), int('count_include_pad', rng.int(0, 1))] });
      break;
    case 'Add': case 'Mul': {
      const c = init(g, rng, hostility, rng.pick([[g.channels, 1, 1], [1], [1, g.channels, 1, 1], [dim(rng, hostility, 1, 4)]]));
      g.nodes.push({ opType: op, input: rng.chance(0.5) ? [x, c] : [c, x], output: [y] });
      break;
    }
    case 'Concat':
      g.nodes.push({ opType: op, input: [x, x], output: [y], attribute: [int('axis', hostile(rng.int(-4, 3)))] });
      if (g.rank === 4) g.channels *= 2;
      break;
    case 'BatchNormalization': {
      const p = [0, 1, 2, 3].map(() => init(g, rng, hostility, [g.channels]));
      g.nodes.push({ opType: op, input: [x, ...p], output: [y] });
      break;
    }
    case 'Gemm': {
      const n = dim(rng, hostility, 1, 8);
      const w = init(g, rng, hostility, [n, rng.int(1, 64)]);
      g.nodes.push({ opType: op, input: [x, w], output: [y], attribute: [int('transB', 1)] });
      g.rank = 2;
      g.channels = n;
      break;
    }
    case 'Reshape': {
      g.inits.push({ name: `s${g.n}`, dims: [2], dataType: 7, int64Data: [1, hostile(-1)] });
      g.nodes.push({ opType: op, input: [x, `s${g.n}`], output: [y] });
      g.rank = 2;
      break;
    }
    case 'Transpose':
      g.nodes.push({ opType: op, input: [x], output: [y], attribute: [ints('perm', rng.chance(0.7) ? [0, 2, 3, 1] : [0, hostile(1), 1, 3])] });
      break;
    case 'Resize': {
      g.inits.push({ name: `sc${g.n}`, dims: [4], dataType: 1, floatData: [1, 1, hostile(2), 2] });
      g.nodes.push({ opType: op, input: [x, '', `sc${g.n}`], output: [y], attribute: [str('mode', rng.pick(['nearest', 'linear', 'cubic'])), str('coordinate_transformation_mode', rng.pick(['asymmetric', 'half_pixel', 'align_corners', 'tf_crop_and_resize']))] });
      break;
    }
    case 'Pad':
      g.inits.push({ name: `p${g.n}`, dims: [8], dataType: 7, int64Data: [0, 0, 1, hostile(1), 0, 0, 1, 1] });
      g.nodes.push({ opType: op, input: [x, `p${g.n}`], output: [y], attribute: [str('mode', rng.pick(['constant', 'reflect']))] });
      break;
    case 'TreeEnsembleClassifier':
      g.nodes.push({ opType: op, domain: 'ai.onnx.ml', input: [x], output: ['label', y], attribute: [ints('nodes_treeids', [0, 0, 1]), ints('nodes_nodeids', [0, 1, 0])] });
      break;
    default:
      g.nodes.push({ opType: op === 'Flatten' ? op : op, input: [x], output: [y], attribute: op === 'Softmax' ? [int('axis', hostile(-1))] : [] });
      if (op === 'Flatten') g.rank = 2;
  }
  g.last = y;
}

/**
 * Moves the float initializers into an external data file (PyTorch's model.onnx.data), as location / offset / length
 * entries, hostile at the given rate (paths leaving the folder, offsets and lengths past the file, non-numbers, a
 * location never read, an unknown data_location), the file itself sometimes cut short. The files by location.
 */
function externalize(g: Graph, rng: Rng, hostility: number): Map<string, Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const hostile = (v: string): string => (rng.chance(hostility / 3) ? rng.pick(['', '-1', '1e3', '0x10', '99999999999', '9007199254740993', 'abc']) : v);
  for (const t of g.inits) {
    if (t.dataType !== 1) continue;
    const raw = t.rawData instanceof Uint8Array ? t.rawData : new Uint8Array(Float32Array.from(t.floatData as number[]).buffer);
    delete t.rawData;
    delete t.floatData;
    const offset = size;
    chunks.push(raw);
    size += raw.length;
    const location = rng.chance(hostility / 3) ? rng.pick(['../fuzz.onnx.data', '/etc/passwd', 'missing.data', 'a\\b', '']) : 'fuzz.onnx.data';
    t.dataLocation = rng.chance(hostility / 6) ? rng.pick([0, 2, -1]) : 1;
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: hostile(String(offset)) },
      ...(rng.chance(0.8) ? [{ key: 'length', value: hostile(String(raw.length)) }] : [])];
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return new Map([['fuzz.onnx.data', rng.chance(hostility / 3) ? data.subarray(0, rng.int(0, size)) : data]]);
}

/** One ONNX case: the bytes, its external data files (by location; none for most), and the tags that say what was generated. */
export function genOnnx(rng: Rng, hostility: number): { bytes: Uint8Array; files: Map<string, Uint8Array>; tags: string[] } {
  const tags = ['onnx'];
  const channels = dim(rng, hostility, 1, 6);
  const size = dim(rng, hostility, 1, 12);
  const g: Graph = { nodes: [], inits: [], channels, size, rank: 4, last: 'x', n: 0 };
  const steps = rng.int(1, 8);
  for (let k = 0; k < steps; k++) step(g, rng, hostility);
  const files = rng.chance(0.25) ? externalize(g, rng, hostility) : new Map<string, Uint8Array>();
  if (files.size) tags.push('onnx-external');
  const opset = rng.chance(hostility / 3) ? rng.pick([1, 8, 22, 2 ** 40]) : rng.int(9, 21);
  const shape = [rng.chance(0.5) ? { dimParam: 'N' } : { dimValue: 1 }, { dimValue: channels }, { dimValue: size }, { dimValue: size }];
  // A plain Uint8Array (protobufjs gives a Node Buffer in Node, whose fill() throws past its end where mutate expects a clamp).
  const bytes = new Uint8Array(ModelProtoType.encode(ModelProtoType.create({
    irVersion: 8, opsetImport: [{ domain: '', version: opset }, { domain: 'ai.onnx.ml', version: 3 }],
    graph: {
      name: 'fuzz', node: g.nodes.map((n, k) => ({ name: `n${k}`, ...n })), initializer: g.inits,
      input: [{ name: 'x', type: { tensorType: { elemType: rng.chance(hostility / 4) ? 7 : 1, shape: { dim: shape } } } }],
      output: [{ name: g.last, type: { tensorType: { elemType: 1 } } }],
    },
  })).finish());
  tags.push(`onnx-ops-${steps}`);
  if (!rng.chance(0.5)) return { bytes, files, tags };
  const other = genOnnx(rng, hostility).bytes;
  return { bytes: mutateBytes(rng, bytes, other), files, tags: [...tags, 'mutated'] };
}
