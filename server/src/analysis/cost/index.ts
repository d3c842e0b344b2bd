/** The cloud-vs-TinyML cost profile: assumptions with sources, radio transfers, the profile itself. */
export * from './inputs.js';
export * from './profile.js';
export * from './radio.js';
