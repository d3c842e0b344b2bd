#include "resolver.h"

// Every builtin and custom op the resolver can register at TFLM 90b983c2.
TfLiteStatus RegisterAll(Resolver& r) {
  TfLiteStatus s = kTfLiteOk;
#define ADD(call) \
  if (r.call != kTfLiteOk) s = kTfLiteError;
  ADD(AddAbs()) ADD(AddAdd()) ADD(AddAddN()) ADD(AddArgMax()) ADD(AddArgMin()) ADD(AddAssignVariable())
  ADD(AddAveragePool2D()) ADD(AddBatchMatMul()) ADD(AddBatchToSpaceNd()) ADD(AddBroadcastArgs())
  ADD(AddBroadcastTo()) ADD(AddCallOnce()) ADD(AddCast()) ADD(AddCeil()) ADD(AddCircularBuffer())
  ADD(AddConcatenation()) ADD(AddConv2D()) ADD(AddCos()) ADD(AddCumSum()) ADD(AddDecode()) ADD(AddDelay())
  ADD(AddDepthToSpace()) ADD(AddDepthwiseConv2D()) ADD(AddDequantize()) ADD(AddDetectionPostprocess())
  ADD(AddDiv()) ADD(AddDynamicUpdateSlice()) ADD(AddEmbeddingLookup()) ADD(AddEnergy()) ADD(AddElu())
  ADD(AddEqual()) ADD(AddEthosU()) ADD(AddExp()) ADD(AddExpandDims()) ADD(AddFftAutoScale()) ADD(AddFill())
  ADD(AddFilterBank()) ADD(AddFilterBankLog()) ADD(AddFilterBankSquareRoot())
  ADD(AddFilterBankSpectralSubtraction()) ADD(AddFloor()) ADD(AddFloorDiv()) ADD(AddFloorMod())
  ADD(AddFramer()) ADD(AddFullyConnected()) ADD(AddGather()) ADD(AddGatherNd()) ADD(AddGreater())
  ADD(AddGreaterEqual()) ADD(AddHardSwish()) ADD(AddIf()) ADD(AddIrfft()) ADD(AddL2Normalization())
  ADD(AddL2Pool2D()) ADD(AddLeakyRelu()) ADD(AddLess()) ADD(AddLessEqual()) ADD(AddLog())
  ADD(AddLogicalAnd()) ADD(AddLogicalNot()) ADD(AddLogicalOr()) ADD(AddLogistic()) ADD(AddLogSoftmax())
  ADD(AddMaximum()) ADD(AddMaxPool2D()) ADD(AddMirrorPad()) ADD(AddMean()) ADD(AddMinimum()) ADD(AddMul())
  ADD(AddNeg()) ADD(AddNotEqual()) ADD(AddOverlapAdd()) ADD(AddPack()) ADD(AddPad()) ADD(AddPadV2())
  ADD(AddPCAN()) ADD(AddPrelu()) ADD(AddQuantize()) ADD(AddReadVariable()) ADD(AddReduceAll())
  ADD(AddReduceMax()) ADD(AddReduceMin()) ADD(AddRelu()) ADD(AddRelu6()) ADD(AddReshape())
  ADD(AddResizeBilinear()) ADD(AddResizeNearestNeighbor()) ADD(AddReverseV2()) ADD(AddRfft()) ADD(AddRound())
  ADD(AddRsqrt()) ADD(AddSelectV2()) ADD(AddShape()) ADD(AddSin()) ADD(AddSlice()) ADD(AddSoftmax())
  ADD(AddSpaceToBatchNd()) ADD(AddSpaceToDepth()) ADD(AddSplit()) ADD(AddSplitV()) ADD(AddSqueeze())
  ADD(AddSqrt()) ADD(AddSquare()) ADD(AddSquaredDifference()) ADD(AddStridedSlice()) ADD(AddStacker())
  ADD(AddSub()) ADD(AddSum()) ADD(AddSvdf()) ADD(AddTanh()) ADD(AddTransposeConv()) ADD(AddTranspose())
  ADD(AddUnpack()) ADD(AddUnidirectionalSequenceLSTM()) ADD(AddVarHandle()) ADD(AddWhile()) ADD(AddWindow())
  ADD(AddZerosLike())
#undef ADD
  return s;
}
