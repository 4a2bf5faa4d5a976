export { type JsonlLine, readJsonl } from './io.js';
export { buildProgram } from './program.js';
