// The public face of @mmre/cli: the `mmre` program, for embedding it (the command itself is bin/mmre.js).
export { buildProgram } from './program.js';
