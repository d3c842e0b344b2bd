// The op resolver of the harness: every op TFLM 90b983c2 can register.
#ifndef TFLM_HARNESS_RESOLVER_H_
#define TFLM_HARNESS_RESOLVER_H_
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

using Resolver = tflite::MicroMutableOpResolver<128>;

// Registers every builtin and custom op; kTfLiteError if any registration failed.
TfLiteStatus RegisterAll(Resolver& r);
#endif
