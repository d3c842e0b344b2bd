/** Output-shape arithmetic of TFLite's windowed ops, so builders state shapes the runtime will agree with. */

/** Spatial output size of a conv/pool along one axis (TFLite's `ComputeOutSize`). */
export function convOutputSize(input: number, filter: number, stride: number, padding: 'SAME' | 'VALID', dilation = 1): number {
  if (stride < 1 || dilation < 1) throw new RangeError('stride and dilation must be at least 1');
  const effective = (filter - 1) * dilation + 1;
  const size = padding === 'SAME' ? Math.ceil(input / stride) : Math.floor((input - effective) / stride) + 1;
  if (size < 1) throw new RangeError(`a ${filter}-wide window does not fit an input of ${input} with ${padding} padding`);
  return size;
}
