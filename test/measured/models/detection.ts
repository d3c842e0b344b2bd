/**
 * TFLite_Detection_PostProcess, the custom op that ends SSD-style detectors. Its Init keeps an OpData and its Prepare
 * requests eleven scratch buffers sized by the anchor count, the class count and max_detections, so the models vary
 * those (fewer anchors than detections, more classes than detections), both NMS modes, and float, int8 and uint8
 * inputs (Prepare takes any type; only Eval insists on float). Two small SSD heads feed the op from convolutions.
 * Every model starts its own generator at BATCH4_SEED, so none depends on another.
 */
import { builder as flexbuffer } from 'flatbuffers/js/flexbuffers.js';
import {
  ModelBuilder, PROBABILITY_QUANT_INT8, SeededRandom, type QuantSpec, type SubgraphBuilder, type TensorRef,
} from '../../../server/src/model/builder/index.js';
import { F, I8, i32, oneSubgraph, Q } from './common.js';
import { conv } from './conv.js';

/** Seed of the fourth batch (names `g4_*`). */
export const BATCH4_SEED = 13;

/** The custom options the TFLite converter writes for the op (object_detection's export_tflite_ssd_graph). */
interface PostProcessOptions {
  maxDetections: number;
  maxClassesPerDetection: number;
  /** Omitted from the map when undefined (TFLM then uses 100). */
  detectionsPerClass?: number;
  /** Omitted from the map when undefined (TFLM then uses fast NMS). */
  useRegularNms?: boolean;
  numClasses: number;
}

/** The options as a FlexBuffers map; floats are float32 values, as the converter stores them. */
function postProcessOptions(o: PostProcessOptions): Uint8Array {
  const b = flexbuffer();
  b.startMap();
  const int = (key: string, v: number): void => { b.addKey(key); b.addInt(v); };
  const float = (key: string, v: number): void => { b.addKey(key); b.addFloat(Math.fround(v)); };
  int('max_detections', o.maxDetections);
  int('max_classes_per_detection', o.maxClassesPerDetection);
  if (o.detectionsPerClass !== undefined) int('detections_per_class', o.detectionsPerClass);
  if (o.useRegularNms !== undefined) { b.addKey('use_regular_nms'); b.add(o.useRegularNms); }
  float('nms_score_threshold', 0.3);
  float('nms_iou_threshold', 0.6);
  int('num_classes', o.numClasses);
  float('y_scale', 10);
  float('x_scale', 10);
  float('h_scale', 5);
  float('w_scale', 5);
  b.end();
  return b.finish();
}

/** `n` anchors (ycenter, xcenter, h, w), in [0, 1], on a square grid of cells with alternating aspect ratios. */
function anchorData(n: number): number[] {
  const side = Math.ceil(Math.sqrt(n));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const wide = i % 2 === 0;
    out.push((Math.floor(i / side) + 0.5) / side, ((i % side) + 0.5) / side, wide ? 0.2 : 0.4, wide ? 0.4 : 0.2);
  }
  return out;
}

/** The op on (boxes, classes, anchors), with its four float outputs sized by max_detections. */
function postProcess(
  g: SubgraphBuilder, boxes: TensorRef, classes: TensorRef, anchors: TensorRef, o: PostProcessOptions,
): TensorRef[] {
  const d = o.maxDetections;
  return g.customOp('TFLite_Detection_PostProcess', {
    inputs: [boxes, classes, anchors],
    outputs: [F('detection_boxes', [1, d, 4]), F('detection_classes', [1, d]), F('detection_scores', [1, d]),
      F('num_detections', [1])],
    customOptions: postProcessOptions(o),
  });
}

/** float anchors [n, 4] as a constant. */
function floatAnchors(g: SubgraphBuilder, n: number): TensorRef {
  return g.constant({ name: 'anchors', shape: [n, 4], dtype: 'FLOAT32', data: anchorData(n) });
}

/** The op alone, on float model inputs: `n` anchors, `o.numClasses` classes plus background. */
function floatPostProcess(n: number, o: PostProcessOptions): Uint8Array {
  return oneSubgraph((g) => {
    const boxes = g.input(F('box_encodings', [1, n, 4]));
    const classes = g.input(F('class_predictions', [1, n, o.numClasses + 1]));
    return postProcess(g, boxes, classes, floatAnchors(g, n), o);
  });
}

/** Fast NMS: 16 anchors, 3 classes, 5 detections. */
export function fastNmsFloat(): Uint8Array {
  return floatPostProcess(16, { maxDetections: 5, maxClassesPerDetection: 1, useRegularNms: false, numClasses: 3 });
}

/** Regular NMS: 32 anchors, 5 classes, 10 detections, 4 per class. */
export function regularNmsFloat(): Uint8Array {
  return floatPostProcess(32, {
    maxDetections: 10, maxClassesPerDetection: 1, detectionsPerClass: 4, useRegularNms: true, numClasses: 5,
  });
}

/** More classes (20) than detections (3): one scratch buffer is sized by the class count. */
export function manyClassesFloat(): Uint8Array {
  return floatPostProcess(8, { maxDetections: 3, maxClassesPerDetection: 2, useRegularNms: false, numClasses: 20 });
}

/** Fewer anchors (6) than detections (10), and no detections_per_class or use_regular_nms keys (TFLM's defaults). */
export function fewAnchorsFloat(): Uint8Array {
  return floatPostProcess(6, { maxDetections: 10, maxClassesPerDetection: 1, numClasses: 2 });
}

/** 300 anchors and 20 detections: three scratch buffers of 24,000 bytes each. */
export function manyAnchorsFloat(): Uint8Array {
  return floatPostProcess(300, {
    maxDetections: 20, maxClassesPerDetection: 1, detectionsPerClass: 10, useRegularNms: true, numClasses: 4,
  });
}

/** int8 box and class inputs (each costs Prepare a quantization struct), float anchors. */
export function int8Inputs(): Uint8Array {
  const n = 24;
  return oneSubgraph((g) => {
    const boxes = g.input(I8('box_encodings', [1, n, 4], Q(-8, 8)));
    const classes = g.input(I8('class_predictions', [1, n, 4], Q(0, 1)));
    return postProcess(g, boxes, classes, floatAnchors(g, n), {
      maxDetections: 6, maxClassesPerDetection: 1, useRegularNms: false, numClasses: 3,
    });
  });
}

/** uint8 inputs and uint8 anchors, as in the converter's uint8 SSD MobileNet models. */
export function uint8Inputs(): Uint8Array {
  const n = 20;
  const u8 = (scale: number, zeroPoint: number): QuantSpec => ({ scale: [scale], zeroPoint: [zeroPoint] });
  return oneSubgraph((g) => {
    const boxes = g.input({ name: 'box_encodings', shape: [1, n, 4], dtype: 'UINT8', quant: u8(0.0625, 128) });
    const classes = g.input({ name: 'class_predictions', shape: [1, n, 3], dtype: 'UINT8', quant: u8(1 / 256, 0) });
    const anchors = g.constant({
      name: 'anchors', shape: [n, 4], dtype: 'UINT8', quant: u8(1 / 255, 0),
      data: anchorData(n).map((v) => Math.round(v * 255)),
    });
    return postProcess(g, boxes, classes, anchors, {
      maxDetections: 4, maxClassesPerDetection: 1, detectionsPerClass: 2, useRegularNms: true, numClasses: 2,
    });
  });
}

/** Anchors of rank 3: Prepare's NumDimensions(input_anchors) == 2 check fails. */
export function anchorsRank3(): Uint8Array {
  const n = 8;
  return oneSubgraph((g) => {
    const boxes = g.input(F('box_encodings', [1, n, 4]));
    const classes = g.input(F('class_predictions', [1, n, 3]));
    const anchors = g.constant({ name: 'anchors', shape: [1, n, 4], dtype: 'FLOAT32', data: anchorData(n) });
    return postProcess(g, boxes, classes, anchors, { maxDetections: 3, maxClassesPerDetection: 1, numClasses: 2 });
  });
}

const ANCHORS_PER_CELL = 2;
const SSD_CLASSES = 5;

/**
 * An SSD head on two feature maps (4x4 and 2x2, two anchors a cell, 40 anchors): per map a box conv and a class conv,
 * reshaped to [1, cells x anchors, 4] and [1, cells x anchors, classes + 1], concatenated over the maps.
 * `int8` quantizes the network and dequantizes its two outputs for the float post-processing, as int8 detectors do.
 */
function ssd(int8: boolean): Uint8Array {
  const rng = new SeededRandom(BATCH4_SEED);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const head = Q(-6, 6);
  const x = g.input(int8 ? I8('image', [1, 16, 16, 3], Q(-1, 1)) : F('image', [1, 16, 16, 3]));
  const tensor = (name: string, shape: number[], quant: QuantSpec = head) =>
    int8 ? I8(name, shape, quant) : F(name, shape);
  const c1 = conv(g, rng, x, 'fm0', { ch: 8, k: [3, 3], s: [4, 4], pad: 'SAME', act: 'RELU6', outQ: Q(0, 6) });
  const c2 = conv(g, rng, c1, 'fm1', { ch: 8, k: [3, 3], s: [2, 2], pad: 'SAME', act: 'RELU6', outQ: Q(0, 6) });
  const boxes: TensorRef[] = [];
  const scores: TensorRef[] = [];
  for (const [i, fm] of [c1, c2].entries()) {
    const cells = fm.shape[1]! * fm.shape[2]!;
    const n = cells * ANCHORS_PER_CELL;
    const flat = (t: TensorRef, width: number, name: string): TensorRef => g.op('RESHAPE', {
      inputs: [t, i32(g, `${name}/shape`, [1, n, width])], output: tensor(name, [1, n, width]),
      options: { newShape: [1, n, width] },
    });
    const box = conv(g, rng, fm, `box${i}`, { ch: ANCHORS_PER_CELL * 4, k: [1, 1], s: [1, 1], pad: 'SAME', outQ: head });
    const cls = conv(g, rng, fm, `cls${i}`, {
      ch: ANCHORS_PER_CELL * (SSD_CLASSES + 1), k: [1, 1], s: [1, 1], pad: 'SAME', outQ: head,
    });
    boxes.push(flat(box, 4, `box${i}/flat`));
    scores.push(flat(cls, SSD_CLASSES + 1, `cls${i}/flat`));
  }
  const n = boxes.reduce((sum, b) => sum + b.shape[1]!, 0);
  const concat = (parts: TensorRef[], width: number, name: string): TensorRef => g.op('CONCATENATION', {
    inputs: parts, output: tensor(name, [1, n, width]), options: { axis: 1, fusedActivationFunction: 'NONE' },
  });
  let allBoxes = concat(boxes, 4, 'boxes');
  let allScores = g.op('LOGISTIC', {
    inputs: [concat(scores, SSD_CLASSES + 1, 'logits')],
    output: tensor('scores', [1, n, SSD_CLASSES + 1], PROBABILITY_QUANT_INT8), version: int8 ? 2 : 1,
  });
  if (int8) {
    allBoxes = g.op('DEQUANTIZE', { inputs: [allBoxes], output: F('boxes/float', [1, n, 4]) });
    allScores = g.op('DEQUANTIZE', { inputs: [allScores], output: F('scores/float', [1, n, SSD_CLASSES + 1]) });
  }
  g.output(...postProcess(g, allBoxes, allScores, floatAnchors(g, n), {
    maxDetections: 10, maxClassesPerDetection: 1, detectionsPerClass: 5, useRegularNms: false, numClasses: SSD_CLASSES,
  }));
  return m.finish();
}

/** The SSD head in float. */
export function ssdFloat(): Uint8Array {
  return ssd(false);
}

/** The SSD head in int8, dequantized before the post-processing. */
export function ssdInt8(): Uint8Array {
  return ssd(true);
}
