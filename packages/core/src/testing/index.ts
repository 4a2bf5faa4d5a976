export * from './fuzz.js';
export * from './pairs.js';
export * from './samples.js';
