// Per-node Prepare figures, taken by wrapping three TFLM methods at link time (harness.sh links with
// -Wl,--wrap=SYMBOL for each). The calls come from other objects of TFLM's library (micro_interpreter.o,
// micro_interpreter_context.o, micro_interpreter_graph.o), so the linker routes them here; TFLM itself is unchanged
// and each wrapper calls the original. Nothing here runs during Invoke(), so the instruction counts do not move.
//   MicroInterpreterGraph::PrepareSubgraphs()              -> the tail before the first Prepare
//   MicroAllocator::RequestScratchBufferInArena(bytes, sg, idx) -> a scratch request of the node being prepared
//   MicroAllocator::FinishPrepareNodeAllocations(node)     -> that node is done: its requests and tail growth
#include "prepare_log.h"

#include "print.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/schema/schema_generated.h"

using rig::Print;
using rig::PrintKV;
using rig::PrintUnsigned;

namespace {

constexpr int kMaxNodes = 1024;
constexpr int kMaxRequests = 2048;

struct NodeRecord {
  int16_t subgraph;
  int32_t node;
  const char* op;
  int32_t first_request;  // index into g_requests
  int32_t requests;
  uint32_t tail_bytes;
};

tflite::MicroInterpreterGraph* g_graph = nullptr;
const tflite::SingleArenaBufferAllocator* g_buffers = nullptr;
NodeRecord g_nodes[kMaxNodes];
uint32_t g_requests[kMaxRequests];
int g_node_count = 0;
int g_request_count = 0;
int g_pending_from = 0;  // requests from here on belong to the node being prepared
size_t g_tail_mark = 0;
bool g_overflow = false;

size_t Tail() { return g_buffers ? g_buffers->GetPersistentUsedBytes() : 0; }

const char* OpName(int sg, int node) {
  if (!g_graph) return "?";
  const TFLMRegistration* r = g_graph->GetAllocations()[sg].node_and_registrations[node].registration;
  if (!r) return "?";
  if (r->builtin_code == tflite::BuiltinOperator_CUSTOM) return r->custom_name ? r->custom_name : "CUSTOM";
  return tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(r->builtin_code));
}

}  // namespace

extern "C" {
TfLiteStatus __real__ZN6tflite21MicroInterpreterGraph16PrepareSubgraphsEv(tflite::MicroInterpreterGraph* self);
TfLiteStatus __real__ZN6tflite14MicroAllocator27RequestScratchBufferInArenaEjiPi(tflite::MicroAllocator* self,
                                                                                 size_t bytes, int sg, int* idx);
TfLiteStatus __real__ZN6tflite14MicroAllocator28FinishPrepareNodeAllocationsEi(tflite::MicroAllocator* self,
                                                                               int node);

TfLiteStatus __wrap__ZN6tflite21MicroInterpreterGraph16PrepareSubgraphsEv(tflite::MicroInterpreterGraph* self) {
  g_tail_mark = Tail();
  return __real__ZN6tflite21MicroInterpreterGraph16PrepareSubgraphsEv(self);
}

TfLiteStatus __wrap__ZN6tflite14MicroAllocator27RequestScratchBufferInArenaEjiPi(tflite::MicroAllocator* self,
                                                                                 size_t bytes, int sg, int* idx) {
  if (g_request_count < kMaxRequests) {
    g_requests[g_request_count++] = static_cast<uint32_t>(bytes);
  } else {
    g_overflow = true;
  }
  return __real__ZN6tflite14MicroAllocator27RequestScratchBufferInArenaEjiPi(self, bytes, sg, idx);
}

TfLiteStatus __wrap__ZN6tflite14MicroAllocator28FinishPrepareNodeAllocationsEi(tflite::MicroAllocator* self,
                                                                               int node) {
  size_t tail = Tail();
  if (g_node_count < kMaxNodes) {
    int sg = g_graph ? g_graph->GetCurrentSubgraphIndex() : 0;
    g_nodes[g_node_count++] = {static_cast<int16_t>(sg), node, OpName(sg, node), g_pending_from,
                               g_request_count - g_pending_from, static_cast<uint32_t>(tail - g_tail_mark)};
  } else {
    g_overflow = true;
  }
  g_pending_from = g_request_count;
  g_tail_mark = tail;
  return __real__ZN6tflite14MicroAllocator28FinishPrepareNodeAllocationsEi(self, node);
}
}

void PrepareLogAttach(tflite::MicroInterpreterGraph* graph, const tflite::SingleArenaBufferAllocator* buffers) {
  g_graph = graph;
  g_buffers = buffers;
}

void PrepareLogPrint() {
  for (int i = 0; i < g_node_count; ++i) {
    const NodeRecord& n = g_nodes[i];
    Print("PREP");
    PrintKV("sg", static_cast<unsigned long>(n.subgraph));
    PrintKV("node", static_cast<unsigned long>(n.node));
    PrintKV("op", n.op);
    Print(" scratch=");
    if (n.requests == 0) Print("0");
    for (int k = 0; k < n.requests; ++k) {
      if (k) Print("+");
      PrintUnsigned(g_requests[n.first_request + k]);
    }
    PrintKV("tail", n.tail_bytes);
    Print("\n");
  }
  if (g_overflow) Print("LOG harness: more Prepare records than kept\n");
}
