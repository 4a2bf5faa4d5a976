import { formatAnswer, type Gold, type Label, type Mode } from '@mmre/core';

/** A handful of samples with fixed gold and fixed model outputs per mode, for the assertion tests. */
export interface FixtureSample {
  id: string;
  text: string;
  gold: Gold;
  outputs: Record<Mode, string>;
}

const e = (label: Label, text: string) => ({ label, text });
const p = (segment: string, entity: string) => ({ segment, entity });

function outputs(pred: { summary: string | null; entities: { label: string; text: string }[]; pairs: { segment: string; entity: string }[] }) {
  return {
    joint: formatAnswer(pred, 'joint'),
    summary: formatAnswer(pred, 'summary'),
    mner: formatAnswer(pred, 'mner'),
  } satisfies Record<Mode, string>;
}

export const FIXTURE_SAMPLES: FixtureSample[] = [
  {
    id: 's1',
    text: 'Spurs beat the Thunder in the NBA playoffs',
    gold: {
      summary:
        'This image shows a basketball game in action. A Spurs player drives to the basket while a Thunder defender reaches for the ball.',
      entities: [e('organization', 'Spurs'), e('organization', 'Thunder'), e('organization', 'NBA')],
      pairs: [p('a', 'Spurs'), p('b', 'Thunder')],
    },
    outputs: outputs({
      // inflected words (images, games, driving): ROUGE with the stemmer differs from ROUGE without
      summary: 'The images show basketball games. A Spurs player driving to the basket past a Thunder defender.',
      entities: [e('organization', 'Spurs'), e('organization', 'Thunder'), e('location', 'NBA')],
      pairs: [p('a', 'Spurs'), p('b', 'Spurs')],
    }),
  },
  {
    id: 's2',
    text: 'Lionel Messi scores again for Barcelona at Camp Nou',
    gold: {
      summary: 'A football player in a striped shirt celebrates a goal in front of a packed stadium at night.',
      entities: [e('person', 'Lionel Messi'), e('organization', 'Barcelona'), e('location', 'Camp Nou')],
      pairs: [p('a', 'Lionel Messi')],
    },
    outputs: outputs({
      summary: 'A football player celebrates a goal in a packed stadium.',
      entities: [e('person', 'lionel  MESSI'), e('organization', 'Barcelona'), e('location', 'Camp Nou')],
      pairs: [p('a', 'Lionel Messi')],
    }),
  },
  {
    id: 's3',
    text: 'Weather update for Paris this weekend',
    gold: {
      summary: 'A street in Paris under grey clouds with people holding umbrellas.',
      entities: [e('location', 'Paris')],
      pairs: [],
    },
    outputs: outputs({
      summary: 'People with umbrellas walk down a rainy street.',
      entities: [e('location', 'Paris'), e('other', 'weekend')],
      pairs: [p('a', 'Paris')],
    }),
  },
  {
    id: 's4',
    text: 'Star Wars : The Last Jedi premiere tonight',
    gold: {
      summary: 'Actors pose on a red carpet in front of a Star Wars poster.',
      entities: [e('other', 'Star Wars: The Last Jedi')],
      pairs: [p('a', 'Star Wars: The Last Jedi'), p('b', 'Star Wars: The Last Jedi')],
    },
    // a messy answer: chatter, bold anchors, upper-case alias, JSON mapping
    outputs: {
      joint:
        "Sure! Here you go.\n**Task 1 Answer:** Two actors pose on the red carpet at a premiere.\n**Task 2 Answer:** NER: :MISC;Star Wars: The Last Jedi image-entity pair: {\"a\": \"Star Wars: The Last Jedi\"}",
      summary: '**Task 1 Answer:** Two actors pose on the red carpet at a premiere.',
      mner: 'Task 2 Answer: NER: :MISC;Star Wars: The Last Jedi image-entity pair: {"a": "Star Wars: The Last Jedi"}',
    },
  },
  {
    id: 's5',
    text: 'nothing to see here',
    gold: { summary: 'A blurry photo of a wall.', entities: [], pairs: [] },
    // the model forgot the Task 1 anchor in joint mode and wrote nothing at all in mner mode
    outputs: {
      joint: 'Task 2 Answer: NER:  image-entity pair: {}',
      summary: 'Task 1 Answer: A blurry photo of a white wall.',
      mner: '',
    },
  },
];

/** The promptfoo vars of a fixture sample (what the dataset test generator writes), plus the fixed outputs. */
export function fixtureVars(s: FixtureSample): Record<string, string> {
  return {
    id: s.id,
    split: 'test',
    text: s.text,
    image: `/data/images/${s.id}.jpg`,
    segments: JSON.stringify([]),
    gold: JSON.stringify(s.gold),
    output_joint: s.outputs.joint,
    output_summary: s.outputs.summary,
    output_mner: s.outputs.mner,
  };
}
