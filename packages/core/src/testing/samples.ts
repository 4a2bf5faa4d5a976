import { type Sample, segmentId } from '../schema.js';

/**
 * A synthetic, valid Sample whose image files need not exist: `segments` boxes lettered a, b, …, each
 * paired with the first entity. For tests and benchmarks of code that must not read image bytes.
 */
export function syntheticSample(id: string, split: string, segments: number, summary = 'A basketball game.'): Sample {
  const letters = Array.from({ length: segments }, (_, k) => segmentId(k));
  return {
    id,
    split,
    text: `RT @user : Kevin Durant and the Thunder beat the Spurs in Oklahoma City #${id}`,
    image: { path: `images/${id}.jpg`, width: 640, height: 480 },
    segments: letters.map((l, k) => ({
      id: l,
      path: `images/segments/${id}_${l}.jpg`,
      box: { xmin: k * 10, ymin: 0, xmax: k * 10 + 50, ymax: 60 },
    })),
    gold: {
      summary,
      entities: [
        { label: 'person', text: 'Kevin Durant' },
        { label: 'organization', text: 'Thunder' },
        { label: 'organization', text: 'Spurs' },
        { label: 'location', text: 'Oklahoma City' },
      ],
      pairs: letters.map((l) => ({ segment: l, entity: 'Kevin Durant' })),
    },
  };
}
