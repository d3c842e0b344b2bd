/**
 * `compile --profile`: a TFLM `MicroProfilerInterface` for the generated example that times every operator's Invoke
 * and prints one line per op per run (`tinyml-lens-profile v1 run=R op=N tag=CONV_2D ticks=T unit=cycles`, then a
 * total line) through MicroPrintf, for `tinyml-lens calibrate` (server/src/calibrate/log.ts reads the lines).
 *
 * The timer is chosen by macros for the core: the DWT cycle counter on ARMv7-M / ARMv8-M mainline (falling back to
 * SysTick at run time when CYCCNT does not count: no DWT, or QEMU, which does not model it), SysTick (a 24-bit
 * down-counter, extended in software) on ARMv6-M and ARMv8-M baseline, the CPU cycle counter on ESP32
 * (`esp_cpu_get_cycle_count`) or `esp_timer_get_time` in microseconds. Tags are TFLM's registration names; the only
 * model-derived text written into C++ is the generated base name, a checked snake_case identifier.
 */
import type { GeneratedFile } from './tflm.js';

/** The lines the example gains when profiling; `n`/`N` are the checked snake_case / CamelCase base names. */
export interface ProfileHooks {
  include: string;
  /** Extra MicroInterpreter constructor arguments (resource variables, profiler). */
  interpreterArgs: string;
  /** Replaces the example's `return 0;` after the first Invoke: the remaining runs and the printed lines. */
  afterInvoke: string;
}

export function profileHooks(n: string, N: string): ProfileHooks {
  return {
    include: `#include "${n}_profiler.h"\n`,
    interpreterArgs: `, nullptr, &g_${n}_profiler`,
    afterInvoke: `  // Prints the first run's timings, then runs and prints the others (TINYML_LENS_PROFILE_RUNS in all).\n  return Profile${N}Runs(interpreter);\n`,
  };
}

/** `<n>_profiler.h` and `.cc`. `maxEvents` bounds the events of one run (every operator of every subgraph, once). */
export function profilerFiles(n: string, N: string, maxEvents: number, header: (what: string) => string): GeneratedFile[] {
  const guard = `${n.toUpperCase()}_PROFILER_H_`;
  const h = `${header('Per-operator timing for TinyML Lens calibrate: a MicroProfilerInterface over a cycle timer.')}
#ifndef ${guard}
#define ${guard}

#include <cstdint>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"

// The timer: 1 DWT cycle counter, 2 SysTick, 3 ESP32 CPU cycle counter, 4 esp_timer (microseconds).
#ifndef TINYML_LENS_TIMER
#if defined(ESP_PLATFORM)
#define TINYML_LENS_TIMER 3
#elif defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define TINYML_LENS_TIMER 1
#elif defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
#define TINYML_LENS_TIMER 2
#else
#error "TinyML Lens profiler: no known timer for this core; define TINYML_LENS_TIMER (1 DWT, 2 SysTick, 3 ESP32 cycles, 4 esp_timer)"
#endif
#endif

// Inferences timed and printed.
#ifndef TINYML_LENS_PROFILE_RUNS
#define TINYML_LENS_PROFILE_RUNS 5
#endif

// The core clock, printed for calibrate; 0 = unknown (calibrate then takes --clock or the catalog's clock).
#ifndef TINYML_LENS_CLOCK_HZ
#define TINYML_LENS_CLOCK_HZ 0
#endif

class ${N}Profiler : public tflite::MicroProfilerInterface {
 public:
  static constexpr int kMaxEvents = ${maxEvents};
  uint32_t BeginEvent(const char* tag) override;
  void EndEvent(uint32_t event_handle) override;
  // Prints this run's events, one line each, and the total; then forgets them for the next run.
  void PrintRun(int run);

 private:
  uint64_t Now();
  const char* Timer() const;
  const char* Unit() const;
  bool started_ = false;
  bool systick_ = false;
  bool overflow_ = false;
  int count_ = 0;
  const char* tags_[kMaxEvents] = {};
  uint64_t start_[kMaxEvents] = {};
  uint64_t end_[kMaxEvents] = {};
};

extern ${N}Profiler g_${n}_profiler;

// Prints the run already made, then invokes and prints the remaining runs. Returns 0, or 4 when an Invoke fails.
int Profile${N}Runs(tflite::MicroInterpreter& interpreter);

// With SysTick and TINYML_LENS_SYSTICK_NO_ISR defined, call this from your own SysTick handler so that no wrap of
// the 24-bit counter is lost (otherwise the generated SysTick_Handler does it).
extern "C" void TinymlLens${N}SysTick(void);

#endif  // ${guard}
`;
  const cc = `${header('Per-operator timing for TinyML Lens calibrate (see the header for the timer choice).')}
#include "${n}_profiler.h"

#include "tensorflow/lite/micro/micro_log.h"

#if TINYML_LENS_TIMER == 3
#include "esp_cpu.h"
#elif TINYML_LENS_TIMER == 4
#include "esp_timer.h"
#endif

// SysTick's interrupt counts wraps of its 24-bit counter; the generated handler is used only where SysTick is the
// chosen timer and the application does not own it (TINYML_LENS_SYSTICK_NO_ISR, TINYML_LENS_SYSTICK_KEEP), or on
// request (TINYML_LENS_SYSTICK_ISR) for the DWT build's run-time fallback.
#if TINYML_LENS_TIMER == 2 && !defined(TINYML_LENS_SYSTICK_NO_ISR) && !defined(TINYML_LENS_SYSTICK_KEEP) && !defined(TINYML_LENS_SYSTICK_ISR)
#define TINYML_LENS_SYSTICK_ISR 1
#endif

${N}Profiler g_${n}_profiler;

namespace {

#if TINYML_LENS_TIMER == 1 || TINYML_LENS_TIMER == 2
inline volatile uint32_t& Reg(uint32_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }
constexpr uint32_t kDemcr = 0xE000EDFC;     // CoreDebug DEMCR: bit 24 TRCENA
constexpr uint32_t kDwtCtrl = 0xE0001000;   // bit 0 CYCCNTENA
constexpr uint32_t kDwtCyccnt = 0xE0001004;
constexpr uint32_t kDwtLar = 0xE0001FB0;    // lock access (Cortex-M7)
constexpr uint32_t kSystCsr = 0xE000E010;   // ENABLE, TICKINT, CLKSOURCE
constexpr uint32_t kSystRvr = 0xE000E014;
constexpr uint32_t kSystCvr = 0xE000E018;

// SysTick counts down from RVR to 0 and reloads: the ticks since the last read are (last - now) mod (RVR + 1),
// right as long as reads come less than one period apart, which the SysTick interrupt below guarantees.
volatile uint64_t g_systick_total = 0;
volatile uint32_t g_systick_last = 0;
uint32_t g_systick_modulus = 1u << 24;

uint64_t SysTickNow() {
  uint32_t primask;
  __asm volatile("mrs %0, primask\\n cpsid i" : "=r"(primask) : : "memory");
  const uint32_t now = Reg(kSystCvr);
  g_systick_total = g_systick_total + (g_systick_last + g_systick_modulus - now) % g_systick_modulus;
  g_systick_last = now;
  const uint64_t total = g_systick_total;
  __asm volatile("msr primask, %0" : : "r"(primask) : "memory");
  return total;
}

void SysTickStart() {
#ifdef TINYML_LENS_SYSTICK_KEEP
  // The application owns SysTick: read it as configured.
  g_systick_modulus = (Reg(kSystRvr) & 0xFFFFFFu) + 1;
#else
  Reg(kSystRvr) = 0xFFFFFFu;
  Reg(kSystCvr) = 0;
#ifdef TINYML_LENS_SYSTICK_ISR
  Reg(kSystCsr) = 0x7;  // processor clock, interrupt, enabled
#else
  Reg(kSystCsr) = 0x5;  // processor clock, enabled: reads must come less than 2^24 cycles apart
#endif
#endif
  g_systick_last = Reg(kSystCvr);
}
#endif

}  // namespace

extern "C" void TinymlLens${N}SysTick(void) {
#if TINYML_LENS_TIMER == 1 || TINYML_LENS_TIMER == 2
  SysTickNow();
#endif
}

#if (TINYML_LENS_TIMER == 1 || TINYML_LENS_TIMER == 2) && defined(TINYML_LENS_SYSTICK_ISR)
extern "C" void SysTick_Handler(void) { SysTickNow(); }
#endif

uint64_t ${N}Profiler::Now() {
  if (!started_) {
    started_ = true;
#if TINYML_LENS_TIMER == 1
    Reg(kDemcr) = Reg(kDemcr) | (1u << 24);
    Reg(kDwtLar) = 0xC5ACCE55u;
    Reg(kDwtCyccnt) = 0;
    Reg(kDwtCtrl) = Reg(kDwtCtrl) | 1u;
    // No DWT (or a simulator without one, such as QEMU): CYCCNT stays put, so fall back to SysTick.
    const uint32_t before = Reg(kDwtCyccnt);
    for (volatile int i = 0; i < 64; i = i + 1) {
    }
    systick_ = Reg(kDwtCyccnt) == before;
    if (systick_) SysTickStart();
#elif TINYML_LENS_TIMER == 2
    systick_ = true;
    SysTickStart();
#endif
    MicroPrintf("tinyml-lens-profile v1 begin model=${n} timer=%s unit=%s clock_hz=%u runs=%d", Timer(), Unit(),
                static_cast<unsigned>(TINYML_LENS_CLOCK_HZ), TINYML_LENS_PROFILE_RUNS);
  }
#if TINYML_LENS_TIMER == 1
  if (!systick_) return Reg(kDwtCyccnt);  // 32 bits: the unsigned difference survives one wrap
  return SysTickNow();
#elif TINYML_LENS_TIMER == 2
  return SysTickNow();
#elif TINYML_LENS_TIMER == 3
  return esp_cpu_get_cycle_count();
#else
  return static_cast<uint64_t>(esp_timer_get_time());
#endif
}

const char* ${N}Profiler::Timer() const {
#if TINYML_LENS_TIMER == 1
  return systick_ ? "systick" : "dwt";
#elif TINYML_LENS_TIMER == 2
  return "systick";
#elif TINYML_LENS_TIMER == 3
  return "esp-cycles";
#else
  return "esp-timer";
#endif
}

const char* ${N}Profiler::Unit() const { return TINYML_LENS_TIMER == 4 ? "us" : "cycles"; }

uint32_t ${N}Profiler::BeginEvent(const char* tag) {
  if (count_ >= kMaxEvents) {
    overflow_ = true;
    return kMaxEvents;
  }
  tags_[count_] = tag;
  start_[count_] = Now();
  end_[count_] = start_[count_];
  return static_cast<uint32_t>(count_++);
}

void ${N}Profiler::EndEvent(uint32_t event_handle) {
  const uint64_t now = Now();
  if (event_handle < static_cast<uint32_t>(count_)) end_[event_handle] = now;
}

void ${N}Profiler::PrintRun(int run) {
  uint64_t total = 0;
  for (int i = 0; i < count_; ++i) {
    uint64_t ticks = end_[i] - start_[i];
#if TINYML_LENS_TIMER == 1 || TINYML_LENS_TIMER == 3
    if (!systick_) ticks = static_cast<uint32_t>(end_[i] - start_[i]);
#endif
    total += ticks;
    if (ticks > 0xFFFFFFFFu) {
      MicroPrintf("tinyml-lens-profile v1 run=%d op=%d tag=%s ticks=overflow", run, i, tags_[i]);
    } else {
      MicroPrintf("tinyml-lens-profile v1 run=%d op=%d tag=%s ticks=%u unit=%s", run, i, tags_[i], static_cast<unsigned>(ticks), Unit());
    }
  }
  if (overflow_) MicroPrintf("tinyml-lens-profile v1 run=%d events-dropped max=%d", run, kMaxEvents);
  MicroPrintf("tinyml-lens-profile v1 run=%d total ops=%d ticks=%u unit=%s", run, count_,
              static_cast<unsigned>(total > 0xFFFFFFFFu ? 0xFFFFFFFFu : total), Unit());
  count_ = 0;
  overflow_ = false;
}

int Profile${N}Runs(tflite::MicroInterpreter& interpreter) {
  g_${n}_profiler.PrintRun(0);
  for (int run = 1; run < TINYML_LENS_PROFILE_RUNS; ++run) {
    if (interpreter.Invoke() != kTfLiteOk) {
      MicroPrintf("Invoke() failed in profile run %d", run);
      return 4;
    }
    g_${n}_profiler.PrintRun(run);
  }
  MicroPrintf("tinyml-lens-profile v1 end runs=%d", TINYML_LENS_PROFILE_RUNS);
  return 0;
}
`;
  return [{ path: `${n}_profiler.h`, text: h }, { path: `${n}_profiler.cc`, text: cc }];
}
