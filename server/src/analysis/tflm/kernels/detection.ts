import { flexbufferMap } from './flexbuffers.js';
import { ensureEq, numInputs, numOutputs, rank, temps } from './misc-util.js';
import type { KernelModel } from './types.js';
import { dim } from './util.js';

/**
 * detection_postprocess.cc, the custom op TFLite_Detection_PostProcess (SSD box decoding and non-max suppression).
 *
 * Init reads the FlexBuffers options and allocates its OpData: six ints and floats, a bool, the four box scales,
 * eleven scratch-buffer indices and three TfLiteQuantizationParams {float, int32} = 112 bytes. Prepare takes the
 * three inputs as temporaries and, instead of TFLite's temporary tensors, requests eleven scratch buffers sized by
 * the anchor count, the class-prediction shape, num_classes and max_detections. It checks no types: only Eval
 * insists on float inputs, so quantized inputs allocate.
 */
const OP_DATA_BYTES = 112;
const COORDS_PER_BOX = 4;
const FLOAT = 4;
const INT = 4;

const detectionPostProcess: KernelModel = {
  init: (ctx) => ctx.persistent(OP_DATA_BYTES),
  prepare: (ctx) => {
    ensureEq(ctx, numInputs(ctx), 3, 'NumInputs(node)', '3');
    const [boxes, classes, anchors] = temps(ctx, [['i', 0], ['i', 1], ['i', 2]]);
    ensureEq(ctx, rank(ctx, boxes!), 3, 'NumDimensions(input_box_encodings)', '3');
    ensureEq(ctx, rank(ctx, classes!), 3, 'NumDimensions(input_class_predictions)', '3');
    ensureEq(ctx, rank(ctx, anchors!), 2, 'NumDimensions(input_anchors)', '2');
    ensureEq(ctx, numOutputs(ctx), 4, 'NumOutputs(node)', '4');

    // AsInt32() of an absent key is 0.
    const options = flexbufferMap(ctx.op.customOptions);
    const int = (key: string): number => Math.trunc(options.get(key) ?? 0);
    const maxDetections = int('max_detections');
    const numClasses = int('num_classes');
    const anchorCount = dim(ctx, boxes!, 1);

    ctx.scratch(anchorCount); // active candidates (bytes)
    ctx.scratch(anchorCount * COORDS_PER_BOX * FLOAT); // decoded boxes
    ctx.scratch(dim(ctx, classes!, 1) * dim(ctx, classes!, 2) * FLOAT); // scores
    ctx.scratch(anchorCount * FLOAT); // score buffer
    ctx.scratch(anchorCount * FLOAT); // kept scores
    ctx.scratch(maxDetections * anchorCount * FLOAT); // scores after regular NMS
    ctx.scratch(maxDetections * anchorCount * FLOAT); // sorted values
    ctx.scratch(anchorCount * INT); // kept indices
    ctx.scratch(maxDetections * anchorCount * INT); // sorted indices
    ctx.scratch(Math.max(numClasses, maxDetections) * anchorCount * INT); // merge-sort buffer
    ctx.scratch(Math.min(anchorCount, maxDetections) * anchorCount * INT); // selected
  },
};

/** Kernels of TFLM's object-detection custom ops, by op name. */
export const DETECTION_KERNELS: Record<string, KernelModel> = {
  'CUSTOM:TFLite_Detection_PostProcess': detectionPostProcess,
};
