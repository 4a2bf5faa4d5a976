export * from './fuzz.js';
export * from './pairs.js';
