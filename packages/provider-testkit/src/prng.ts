import { mulberry32 } from '@mmre/core';

/** mulberry32 floats in [0, 1): the PRNG of @mmre/core. Same seed → same sequence. */
export const seededRandom: (seed: number) => () => number = mulberry32;
