/** Latency, energy and battery life: the cost model and its fitted coefficients. */
export * from './coefficients.js';
export * from './cpi.js';
export * from './energy.js';
export * from './features.js';
export * from './memory.js';
export * from './model.js';
