// Per-node Prepare figures: the scratch buffers each node requests and the persistent (tail) bytes its Prepare
// allocates. See prepare_log.cc.
#ifndef TFLM_HARNESS_PREPARE_LOG_H_
#define TFLM_HARNESS_PREPARE_LOG_H_
#include "tensorflow/lite/micro/arena_allocator/single_arena_buffer_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter_graph.h"

// Before AllocateTensors(): the interpreter's graph (for the subgraph and op of each node) and the arena's buffers
// (for the persistent bytes).
void PrepareLogAttach(tflite::MicroInterpreterGraph* graph, const tflite::SingleArenaBufferAllocator* buffers);
// After AllocateTensors(): one line per node whose Prepare completed, in Prepare order:
//   PREP sg=S node=N op=NAME scratch=B1+B2+... tail=T      (scratch=0 when the node requested none)
void PrepareLogPrint();
#endif
