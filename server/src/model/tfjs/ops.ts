/**
 * What the TFLite converter turns each Keras layer class (layers models) or TensorFlow op (graph models) into: the
 * TFLite builtin ops, empty for layers it removes or folds (Dropout, BatchNormalization after a convolution), null
 * when there is no builtin lowering (a Flex/select-TF op or a custom op would be needed). These are facts about the
 * converter's usual lowering, not about any runtime; whether TFLM runs the ops is decided by the analysis side.
 */

const KERAS: Readonly<Record<string, readonly string[] | null>> = {
  InputLayer: [],
  Dropout: [], SpatialDropout1D: [], SpatialDropout2D: [], SpatialDropout3D: [], GaussianNoise: [], GaussianDropout: [], AlphaDropout: [],
  ActivityRegularization: [], Masking: [],
  Dense: ['FULLY_CONNECTED'],
  Conv1D: ['EXPAND_DIMS', 'CONV_2D', 'RESHAPE'],
  Conv2D: ['CONV_2D'],
  Conv3D: ['CONV_3D'],
  DepthwiseConv2D: ['DEPTHWISE_CONV_2D'],
  SeparableConv1D: ['EXPAND_DIMS', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'RESHAPE'],
  SeparableConv2D: ['DEPTHWISE_CONV_2D', 'CONV_2D'],
  Conv2DTranspose: ['TRANSPOSE_CONV'],
  Conv3DTranspose: ['CONV_3D_TRANSPOSE'],
  MaxPooling1D: ['EXPAND_DIMS', 'MAX_POOL_2D', 'RESHAPE'],
  MaxPooling2D: ['MAX_POOL_2D'],
  MaxPooling3D: null,
  AveragePooling1D: ['EXPAND_DIMS', 'AVERAGE_POOL_2D', 'RESHAPE'],
  AveragePooling2D: ['AVERAGE_POOL_2D'],
  AveragePooling3D: null,
  GlobalAveragePooling1D: ['MEAN'], GlobalAveragePooling2D: ['MEAN'],
  GlobalMaxPooling1D: ['REDUCE_MAX'], GlobalMaxPooling2D: ['REDUCE_MAX'],
  Flatten: ['RESHAPE'], Reshape: ['RESHAPE'], Permute: ['TRANSPOSE'], RepeatVector: ['TILE'],
  // Folded into the preceding convolution's weights by the converter; standalone it becomes a multiply and an add.
  BatchNormalization: [],
  LayerNormalization: ['MEAN', 'SQUARED_DIFFERENCE', 'ADD', 'RSQRT', 'MUL', 'SUB'],
  ReLU: ['RELU'], LeakyReLU: ['LEAKY_RELU'], PReLU: ['PRELU'], ELU: ['ELU'], Softmax: ['SOFTMAX'], ThresholdedReLU: null,
  Add: ['ADD'], Subtract: ['SUB'], Multiply: ['MUL'], Average: ['ADD', 'MUL'], Maximum: ['MAXIMUM'], Minimum: ['MINIMUM'],
  Concatenate: ['CONCATENATION'], Dot: ['BATCH_MATMUL'],
  ZeroPadding1D: ['PAD'], ZeroPadding2D: ['PAD'], Cropping1D: ['STRIDED_SLICE'], Cropping2D: ['STRIDED_SLICE'],
  UpSampling1D: ['RESIZE_NEAREST_NEIGHBOR'], UpSampling2D: ['RESIZE_NEAREST_NEIGHBOR'],
  Embedding: ['GATHER'],
  LSTM: ['UNIDIRECTIONAL_SEQUENCE_LSTM'],
  // Without a fused kernel the converter unrolls GRU and SimpleRNN into a WHILE loop over elementwise ops.
  GRU: ['WHILE', 'FULLY_CONNECTED', 'LOGISTIC', 'TANH', 'MUL', 'ADD', 'SUB'],
  SimpleRNN: ['WHILE', 'FULLY_CONNECTED', 'TANH', 'ADD'],
  Bidirectional: ['BIDIRECTIONAL_SEQUENCE_LSTM'],
  ConvLSTM2D: null,
};

const ACTIVATIONS: Readonly<Record<string, readonly string[] | null>> = {
  linear: [], relu: ['RELU'], relu6: ['RELU6'], sigmoid: ['LOGISTIC'], hard_sigmoid: ['HARD_SWISH'], tanh: ['TANH'],
  softmax: ['SOFTMAX'], elu: ['ELU'], selu: ['ELU', 'MUL'], softplus: ['EXP', 'ADD', 'LOG'], softsign: ['ABS', 'ADD', 'DIV'],
  swish: ['LOGISTIC', 'MUL'], gelu: ['GELU'], mish: null,
};

/** Activations a convolution or dense layer fuses into its own kernel (no separate op). */
const FUSED = new Set(['linear', 'relu', 'relu6', 'tanh']);

const GRAPH: Readonly<Record<string, readonly string[] | null>> = {
  Placeholder: [], Const: [], Identity: [], IdentityN: [], NoOp: [], StopGradient: [],
  Conv2D: ['CONV_2D'], _FusedConv2D: ['CONV_2D'], DepthwiseConv2dNative: ['DEPTHWISE_CONV_2D'], FusedDepthwiseConv2dNative: ['DEPTHWISE_CONV_2D'],
  Conv2DBackpropInput: ['TRANSPOSE_CONV'], MatMul: ['FULLY_CONNECTED'], _FusedMatMul: ['FULLY_CONNECTED'], BatchMatMul: ['BATCH_MATMUL'], BatchMatMulV2: ['BATCH_MATMUL'],
  BiasAdd: ['ADD'], Add: ['ADD'], AddV2: ['ADD'], AddN: ['ADD_N'], Sub: ['SUB'], Mul: ['MUL'], RealDiv: ['DIV'], Maximum: ['MAXIMUM'], Minimum: ['MINIMUM'],
  Relu: ['RELU'], Relu6: ['RELU6'], Elu: ['ELU'], LeakyRelu: ['LEAKY_RELU'], Prelu: ['PRELU'], Sigmoid: ['LOGISTIC'], Tanh: ['TANH'], Softmax: ['SOFTMAX'],
  MaxPool: ['MAX_POOL_2D'], AvgPool: ['AVERAGE_POOL_2D'], Mean: ['MEAN'], Max: ['REDUCE_MAX'], Sum: ['SUM'],
  Reshape: ['RESHAPE'], Squeeze: ['SQUEEZE'], ExpandDims: ['EXPAND_DIMS'], Transpose: ['TRANSPOSE'], ConcatV2: ['CONCATENATION'], Pack: ['PACK'], Unpack: ['UNPACK'],
  Pad: ['PAD'], PadV2: ['PADV2'], StridedSlice: ['STRIDED_SLICE'], Slice: ['SLICE'], GatherV2: ['GATHER'], Shape: ['SHAPE'], Tile: ['TILE'],
  ResizeBilinear: ['RESIZE_BILINEAR'], ResizeNearestNeighbor: ['RESIZE_NEAREST_NEIGHBOR'], FusedBatchNorm: [], FusedBatchNormV3: [],
  Rsqrt: ['RSQRT'], Sqrt: ['SQRT'], Square: ['SQUARE'], Exp: ['EXP'], Log: ['LOG'], Abs: ['ABS'], Neg: ['NEG'], SquaredDifference: ['SQUARED_DIFFERENCE'],
  Cast: ['CAST'], Fill: ['FILL'], ArgMax: ['ARG_MAX'], ArgMin: ['ARG_MIN'],
};

/** The TFLite ops a Keras layer becomes, given its config (for the fused activation); null: no builtin lowering. */
export function kerasToTflite(className: string, config: Readonly<Record<string, unknown>>): readonly string[] | null {
  if (className === 'Activation') {
    const a = typeof config.activation === 'string' ? config.activation : 'linear';
    return ACTIVATIONS[a] === undefined ? null : ACTIVATIONS[a]!;
  }
  if (className === 'ReLU' && typeof config.max_value === 'number' && config.max_value === 6) return ['RELU6'];
  const base = KERAS[className];
  if (base === undefined || base === null) return null;
  const activation = typeof config.activation === 'string' ? config.activation : 'linear';
  if (FUSED.has(activation) || !('activation' in config)) return base;
  const extra = ACTIVATIONS[activation];
  return extra === undefined || extra === null ? null : [...base, ...extra];
}

/** The TFLite ops a graph-model op becomes; null: no builtin lowering. */
export function graphOpToTflite(op: string): readonly string[] | null {
  return GRAPH[op] ?? null;
}
