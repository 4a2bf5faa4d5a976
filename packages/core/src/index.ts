export * from './answer.js';
export * from './labels.js';
export * from './modes.js';
export * from './parse.js';
export * from './prompt.js';
export * from './random.js';
export * from './schema.js';
export * from './vars.js';
