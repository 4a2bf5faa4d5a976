// Test fixtures: deterministic images written with sharp (the helper lives at @mmre/images/testing).
export { writePatternImage } from '../testing.js';
