// footprint app: the smallest application that keeps TensorFlow Lite Micro's
// runtime and exactly the kernels of one op set, for measuring their flash and
// static RAM (issue 10). It has the shape of the example TinyML Lens's
// `compile` writes (codegen/tflm.ts): GetModel, a static MicroMutableOpResolver
// and MicroInterpreter, AllocateTensors, inputs set, one Invoke, MicroPrintf.
// The model and the arena come from volatile pointers, so no model data is
// linked and nothing about a model can be folded away at compile time.
// The op set is g_footprint_adds[] (a table of the resolver's Add* calls,
// written per link by measure.ts); FOOTPRINT_N is the resolver's capacity.
#include <cstring>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_log.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

using FootprintResolver = tflite::MicroMutableOpResolver<FOOTPRINT_N>;

extern "C" {
// Each returns the TfLiteStatus of one Add*() call on the resolver (ops.cc).
typedef int (*FootprintAdd)(void* resolver);
extern const FootprintAdd g_footprint_adds[];  // null-terminated (sel.c)
const unsigned char* volatile g_footprint_model = nullptr;
unsigned char* volatile g_footprint_arena = nullptr;
volatile size_t g_footprint_arena_size = 0;
}

namespace {
constexpr char kModelFile[] = "model.tflite";
}  // namespace

int RunFootprintExample() {
  const tflite::Model* model = tflite::GetModel(g_footprint_model);
  if (model->version() != TFLITE_SCHEMA_VERSION) {
    MicroPrintf("%s: model schema %d, TFLM expects %d", kModelFile, static_cast<int>(model->version()), TFLITE_SCHEMA_VERSION);
    return 1;
  }
  static FootprintResolver resolver;
  for (const FootprintAdd* add = g_footprint_adds; *add; ++add) {
    if ((*add)(&resolver) != kTfLiteOk) return 2;
  }
  const size_t arena_size = g_footprint_arena_size;
  static tflite::MicroInterpreter interpreter(model, resolver, g_footprint_arena, arena_size);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    MicroPrintf("%s: AllocateTensors() failed with a %d-byte arena", kModelFile, static_cast<int>(arena_size));
    return 3;
  }
  MicroPrintf("%s: arena_used_bytes %d (TinyML Lens: %d)", kModelFile, static_cast<int>(interpreter.arena_used_bytes()),
              static_cast<int>(arena_size));
  for (size_t i = 0; i < interpreter.inputs_size(); ++i) {
    TfLiteTensor* input = interpreter.input(i);
    const bool byte_quantized = input->type == kTfLiteInt8 || input->type == kTfLiteUInt8;
    std::memset(input->data.raw, byte_quantized ? input->params.zero_point : 0, input->bytes);
  }
  if (interpreter.Invoke() != kTfLiteOk) {
    MicroPrintf("%s: Invoke() failed", kModelFile);
    return 4;
  }
  MicroPrintf("%s: invoke ok", kModelFile);
  return 0;
}

int main() { return RunFootprintExample(); }
