// Parse throughput over 100,000 generated answers, and the worst time on 1 MB adversarial inputs.
import { formatAnswer, MODES, mulberry32, parseAnswer, segmentId } from '@mmre/core';
import { adversarialInputs, mutate } from '@mmre/core/testing';

const rand = mulberry32(42);
const words = [
  'player',
  'Spurs',
  'Thunder',
  'crowd',
  'stage',
  'Paris',
  'logo',
  'jersey',
  'band',
  'city',
  'sign',
  'the',
  'a',
];
const w = () => words[Math.floor(rand() * words.length)];
const labels = ['person', 'organization', 'location', 'other'];
const answers = [];
for (let i = 0; i < 100_000; i++) {
  const entities = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => ({
    label: labels[Math.floor(rand() * 4)],
    text: `${w()} ${w()}`,
  }));
  const pairs = Array.from({ length: Math.floor(rand() * 4) }, (_, k) => ({
    segment: segmentId(k),
    entity: entities[0].text,
  }));
  const summary = Array.from({ length: 50 }, w).join(' ');
  let text = formatAnswer({ summary, entities, pairs }, MODES[i % 3]);
  if (i % 10 === 0) text = mutate(text, rand); // some malformed ones, as real outputs have
  answers.push(text);
}
const chars = answers.reduce((n, a) => n + a.length, 0);
for (let i = 0; i < 5000; i++) parseAnswer(answers[i]); // warm-up
const t0 = performance.now();
let entities = 0;
for (const a of answers) entities += parseAnswer(a).entities.length;
const sec = (performance.now() - t0) / 1000;
console.log(
  `parsed ${answers.length} answers (${(chars / 1e6).toFixed(1)} MB, ${entities} entities) in ${sec.toFixed(3)} s`,
);

let worst = 0;
let worstName = '';
for (const [name, input] of Object.entries(adversarialInputs())) {
  const s = performance.now();
  parseAnswer(input);
  const ms = performance.now() - s;
  console.log(`  adversarial ${name.padEnd(22)} ${(input.length / 1e6).toFixed(2)} MB: ${ms.toFixed(1)} ms`);
  if (ms > worst) [worst, worstName] = [ms, name];
}
console.log(`core.parse.throughput: ${Math.round(answers.length / sec)} answers/s (target >= 100000)`);
console.log(`core.parse.adversarial-1mb: ${worst.toFixed(1)} ms worst, ${worstName} (target < 1000 ms)`);
