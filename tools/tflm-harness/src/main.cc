// tflm-harness: runs one .tflite model through TensorFlow Lite Micro on a
// bare-metal Arm core under QEMU and prints what the memory model and the
// instruction model need, as machine-readable lines on semihosting stdout.
//
// Command line (QEMU: -semihosting-config enable=on,target=native,arg=...):
//   harness MODEL [arena=BYTES] [invoke=0|1]
// (default arena: 12 MiB, or what is left of the region after the model)
// Output lines (space-separated key=value after a tag):
//   LOG <text>                       TFLM's own log (MicroPrintf)
//   ALLOC status=ok|error arena=N used=N head=N tail=N
//   PREP sg=S node=N op=NAME scratch=B1+B2 tail=T   per node prepared (prepare_log.cc)
//   MARKS calib=0,1 invoke=A,B       mark indexes (see below)
//   OP i=K sg=S node=N depth=D begin=A end=B op=NAME
//   INVOKE status=ok|error
//   DONE
// Marks: every call of the noinline function rig_mark() is one mark; the QEMU
// plugin (plugin/opcount.c) records the instructions executed before each.
// Marks 0 and 1 are an empty BeginEvent/EndEvent pair (the profiler's own
// overhead), marks A and B bracket Invoke(), and each op's BeginEvent/EndEvent
// make its begin/end marks.
#include <stdint.h>
#include <string.h>

#include <new>

#include "prepare_log.h"
#include "print.h"
#include "resolver.h"
#include "semihost.h"
#include "tensorflow/lite/micro/arena_allocator/single_arena_buffer_allocator.h"
#include "tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h"
#include "tensorflow/lite/micro/memory_planner/greedy_memory_planner.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_context.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_interpreter_graph.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#include "tensorflow/lite/schema/schema_generated.h"

extern "C" uint8_t __model_region_start[], __model_region_end[];
extern "C" uint8_t __arena_region_start[], __arena_region_end[];

// ---------------------------------------------------------------- output ---
namespace {

using rig::Print;
using rig::PrintKV;
using rig::PrintUnsigned;

// TFLM's log lines, one per call; newlines inside are flattened.
void LogCallback(const char* s) {
  char line[300];
  size_t n = 0;
  for (const char* p = s; *p && n < sizeof line - 2; ++p) line[n++] = (*p == '\n') ? ' ' : *p;
  while (n && line[n - 1] == ' ') --n;
  if (n == 0) return;
  line[n] = 0;
  Print("LOG ");
  Print(line);
  Print("\n");
}

}  // namespace

// ------------------------------------------------------------------ marks ---
volatile uint32_t g_mark_count;

extern "C" __attribute__((noinline, used)) void rig_mark(void) {
  g_mark_count = g_mark_count + 1;
  __asm__ volatile("" ::: "memory");
}

namespace {

// MicroInterpreter with its (protected) TfLiteContext readable, for the
// current subgraph index.
class RigInterpreter : public tflite::MicroInterpreter {
 public:
  using tflite::MicroInterpreter::MicroInterpreter;
  const TfLiteContext& rig_context() const { return context(); }
};

// Records each event (tag, subgraph, node, depth, begin/end mark) and calls
// rig_mark() at both ends. Nothing is printed while Invoke() runs.
class MarkingProfiler : public tflite::MicroProfilerInterface {
 public:
  static constexpr int kMaxEvents = 4096;
  static constexpr int kMaxDepth = 8;
  struct Event {
    const char* tag;
    int16_t subgraph;
    int16_t depth;
    int32_t node;
    uint32_t begin_mark;
    uint32_t end_mark;
  };

  void Attach(const RigInterpreter* interpreter) { interpreter_ = interpreter; }
  void set_active(bool on) { active_ = on; }
  int count() const { return count_; }
  bool overflowed() const { return overflow_; }
  const Event& event(int i) const { return events_[i]; }

  uint32_t BeginEvent(const char* tag) override {
    if (!active_) return UINT32_MAX;
    int sg = CurrentSubgraph();
    int d = depth_;
    int node = 0;
    if (d < kMaxDepth) {
      if (fresh_[d] || last_sg_[d] != sg) {
        node = 0;
      } else {
        node = last_node_[d] + 1;
      }
      fresh_[d] = false;
      last_sg_[d] = sg;
      last_node_[d] = node;
      if (d + 1 < kMaxDepth) fresh_[d + 1] = true;
    }
    ++depth_;
    uint32_t handle = UINT32_MAX;
    if (count_ < kMaxEvents) {
      handle = count_++;
      events_[handle] = {tag, static_cast<int16_t>(sg), static_cast<int16_t>(d), node, g_mark_count, 0};
    } else {
      overflow_ = true;
    }
    rig_mark();
    return handle;
  }

  void EndEvent(uint32_t handle) override {
    if (handle == UINT32_MAX && !active_) return;
    uint32_t m = g_mark_count;
    rig_mark();
    if (handle < static_cast<uint32_t>(count_)) events_[handle].end_mark = m;
    --depth_;
  }

  // Node numbering starts again (after the calibration event).
  void NewRun() {
    for (int i = 0; i < kMaxDepth; ++i) fresh_[i] = true;
  }

  void Reset() {
    count_ = 0;
    depth_ = 0;
    overflow_ = false;
    for (int i = 0; i < kMaxDepth; ++i) fresh_[i] = true;
  }

 private:
  int CurrentSubgraph() const {
    if (interpreter_ == nullptr) return 0;
    const TfLiteContext& ctx = interpreter_->rig_context();
    auto* micro_context = static_cast<tflite::MicroContext*>(ctx.impl_);
    return static_cast<tflite::MicroInterpreterGraph&>(micro_context->graph()).GetCurrentSubgraphIndex();
  }

  const RigInterpreter* interpreter_ = nullptr;
  bool active_ = false;
  bool overflow_ = false;
  int count_ = 0;
  int depth_ = 0;
  bool fresh_[kMaxDepth] = {true, true, true, true, true, true, true, true};
  int last_sg_[kMaxDepth] = {};
  int last_node_[kMaxDepth] = {};
  Event events_[kMaxEvents];
};

MarkingProfiler g_profiler;

// Deterministic input: a fixed pattern per element, in range for the type.
void FillInput(TfLiteTensor* t) {
  size_t n = t->bytes;
  switch (t->type) {
    case kTfLiteFloat32: {
      float* p = reinterpret_cast<float*>(t->data.raw);
      for (size_t i = 0; i < n / 4; ++i) p[i] = static_cast<float>(static_cast<int>(i % 17) - 8) * 0.125f;
      break;
    }
    case kTfLiteInt16: {
      int16_t* p = reinterpret_cast<int16_t*>(t->data.raw);
      for (size_t i = 0; i < n / 2; ++i) p[i] = static_cast<int16_t>((static_cast<int>(i * 37 % 2001)) - 1000);
      break;
    }
    case kTfLiteInt32: {
      int32_t* p = reinterpret_cast<int32_t*>(t->data.raw);
      for (size_t i = 0; i < n / 4; ++i) p[i] = static_cast<int32_t>(i % 8);
      break;
    }
    case kTfLiteBool: {
      for (size_t i = 0; i < n; ++i) t->data.raw[i] = static_cast<char>(i & 1);
      break;
    }
    default: {  // int8, uint8 and anything else: a byte pattern
      for (size_t i = 0; i < n; ++i) t->data.raw[i] = static_cast<char>((i * 7 + 3) & 0xFF);
      break;
    }
  }
}

// OUTPUT i=K bytes=N hex=...: each output tensor's bytes after the Invoke (at most 8 KiB each), for comparing the
// kernels' results with a reference computation (scripts/lstm-rig-outputs.ts).
void PrintOutputs(tflite::MicroInterpreter* interpreter) {
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < interpreter->outputs_size(); ++i) {
    const TfLiteTensor* t = interpreter->output(i);
    Print("OUTPUT");
    PrintKV("i", static_cast<unsigned long>(i));
    PrintKV("bytes", static_cast<unsigned long>(t->bytes));
    Print(" hex=");
    char pair[3] = {0, 0, 0};
    for (size_t k = 0; k < t->bytes && k < 8192; ++k) {
      const unsigned char b = static_cast<unsigned char>(t->data.raw[k]);
      pair[0] = kHex[b >> 4];
      pair[1] = kHex[b & 15];
      Print(pair);
    }
    Print("\n");
  }
}

// Command line: tokens after the program name.
struct Args {
  const char* model = nullptr;
  unsigned long arena = 0;  // 0: 12 MiB, or the room left after the model if less
  bool invoke = true;
  bool outputs = false;  // outputs=1: print each output's bytes after the Invoke
};

bool ParseArgs(char* line, Args* args) {
  char* tokens[8];
  int n = 0;
  for (char* p = line; *p && n < 8;) {
    while (*p == ' ') *p++ = 0;
    if (!*p) break;
    tokens[n++] = p;
    while (*p && *p != ' ') ++p;
  }
  // tokens[0] is the program name
  for (int i = 1; i < n; ++i) {
    if (strncmp(tokens[i], "arena=", 6) == 0) {
      unsigned long v = 0;
      for (const char* q = tokens[i] + 6; *q; ++q) {
        if (*q < '0' || *q > '9') return false;
        v = v * 10 + static_cast<unsigned long>(*q - '0');
      }
      args->arena = v;
    } else if (strcmp(tokens[i], "invoke=0") == 0) {
      args->invoke = false;
    } else if (strcmp(tokens[i], "invoke=1") == 0) {
      args->invoke = true;
    } else if (strcmp(tokens[i], "outputs=1") == 0) {
      args->outputs = true;
    } else if (args->model == nullptr) {
      args->model = tokens[i];
    } else {
      return false;
    }
  }
  return args->model != nullptr;
}

alignas(8) char g_cmdline[1024];

}  // namespace

int main() {
  RegisterDebugLogCallback(LogCallback);
  Args args;
  if (sh_cmdline(g_cmdline, sizeof g_cmdline) != 0 || !ParseArgs(g_cmdline, &args)) {
    Print("ERROR usage: harness MODEL [arena=BYTES] [invoke=0|1] [outputs=1]\n");
    return 2;
  }

  // Read the model into its region.
  long fh = sh_open_read(args.model);
  if (fh < 0) {
    Print("ERROR cannot open model\n");
    return 2;
  }
  long len = sh_file_length(fh);
  size_t room = static_cast<size_t>(__model_region_end - __model_region_start);
  if (len <= 0 || static_cast<size_t>(len) > room) {
    Print("ERROR model size");
    PrintKV("bytes", static_cast<unsigned long>(len < 0 ? 0 : len));
    PrintKV("room", room);
    Print("\n");
    return 2;
  }
  if (sh_read(fh, __model_region_start, static_cast<size_t>(len)) != 0) {
    Print("ERROR short read\n");
    return 2;
  }
  sh_close(fh);

  // The arena: 16-byte aligned, after the model if they share a region.
  uintptr_t start = reinterpret_cast<uintptr_t>(__arena_region_start);
  uintptr_t model_end = reinterpret_cast<uintptr_t>(__model_region_start) + static_cast<uintptr_t>(len);
  if (start < model_end && reinterpret_cast<uintptr_t>(__arena_region_end) > reinterpret_cast<uintptr_t>(__model_region_start)) {
    start = model_end;
  }
  start = (start + 15) & ~static_cast<uintptr_t>(15);
  uintptr_t end = reinterpret_cast<uintptr_t>(__arena_region_end);
  if (args.arena == 0) {
    args.arena = 12ul * 1024 * 1024;
    if (start + args.arena > end) args.arena = static_cast<unsigned long>(end - start);
  }
  if (start + args.arena > end) {
    Print("ERROR arena too large");
    PrintKV("requested", args.arena);
    PrintKV("room", static_cast<unsigned long>(end - start));
    Print("\n");
    return 2;
  }
  uint8_t* arena = reinterpret_cast<uint8_t*>(start);

  const tflite::Model* model = tflite::GetModel(__model_region_start);
  static Resolver resolver;
  if (RegisterAll(resolver) != kTfLiteOk) {
    Print("ERROR op registration failed\n");
    return 2;
  }

  // As MicroAllocator::Create(arena, size) does (greedy planner in the tail),
  // keeping the SingleArenaBufferAllocator to read head and tail.
  tflite::SingleArenaBufferAllocator* buffers = tflite::SingleArenaBufferAllocator::Create(arena, args.arena);
  uint8_t* planner_buffer =
      buffers->AllocatePersistentBuffer(sizeof(tflite::GreedyMemoryPlanner), alignof(tflite::GreedyMemoryPlanner));
  tflite::MicroMemoryPlanner* planner = new (planner_buffer) tflite::GreedyMemoryPlanner();
  tflite::MicroAllocator* allocator = tflite::MicroAllocator::Create(buffers, planner);

  static uint8_t interpreter_storage[sizeof(RigInterpreter)] __attribute__((aligned(8)));
  RigInterpreter* interpreter = new (interpreter_storage) RigInterpreter(model, resolver, allocator, nullptr, &g_profiler);
  g_profiler.Attach(interpreter);
  PrepareLogAttach(&static_cast<tflite::MicroInterpreterGraph&>(
                       static_cast<tflite::MicroContext*>(interpreter->rig_context().impl_)->graph()),
                   buffers);

  TfLiteStatus alloc = interpreter->AllocateTensors();
  Print("ALLOC");
  PrintKV("status", alloc == kTfLiteOk ? "ok" : "error");
  PrintKV("arena", args.arena);
  PrintKV("used", alloc == kTfLiteOk ? interpreter->arena_used_bytes() : 0);
  PrintKV("head", buffers->GetNonPersistentUsedBytes());
  PrintKV("tail", buffers->GetPersistentUsedBytes());
  Print("\n");
  PrepareLogPrint();
  if (alloc != kTfLiteOk || !args.invoke) {
    Print("DONE\n");
    return 0;
  }

  for (size_t i = 0; i < interpreter->inputs_size(); ++i) FillInput(interpreter->input(i));

  g_profiler.Reset();
  g_profiler.set_active(true);
  // Calibration: an empty event, marks 0 and 1.
  uint32_t h = g_profiler.BeginEvent("calibration");
  g_profiler.EndEvent(h);
  uint32_t calib_events = static_cast<uint32_t>(g_profiler.count());
  g_profiler.NewRun();
  uint32_t invoke_begin = g_mark_count;
  rig_mark();
  TfLiteStatus inv = interpreter->Invoke();
  uint32_t invoke_end = g_mark_count;
  rig_mark();
  g_profiler.set_active(false);

  Print("MARKS calib=0,1");
  Print(" invoke=");
  PrintUnsigned(invoke_begin);
  Print(",");
  PrintUnsigned(invoke_end);
  PrintKV("total", g_mark_count);
  Print("\n");
  for (int i = static_cast<int>(calib_events); i < g_profiler.count(); ++i) {
    const MarkingProfiler::Event& e = g_profiler.event(i);
    Print("OP");
    PrintKV("i", static_cast<unsigned long>(i - static_cast<int>(calib_events)));
    PrintKV("sg", static_cast<unsigned long>(e.subgraph));
    PrintKV("node", static_cast<unsigned long>(e.node));
    PrintKV("depth", static_cast<unsigned long>(e.depth));
    PrintKV("begin", e.begin_mark);
    PrintKV("end", e.end_mark);
    PrintKV("op", e.tag ? e.tag : "?");
    Print("\n");
  }
  if (g_profiler.overflowed()) Print("LOG harness: more events than recorded\n");
  Print("INVOKE");
  PrintKV("status", inv == kTfLiteOk ? "ok" : "error");
  Print("\n");
  if (args.outputs) PrintOutputs(interpreter);
  Print("DONE\n");
  return 0;
}
