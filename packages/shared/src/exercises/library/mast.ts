import type { Exercise } from '../steps.js';
import { bringToSession, everydayOnly, info, multi, single, SOURCES, text, zeroToTen } from './build.js';

const LADDER: Array<[string, string]> = [
  ['stay-present', 'Staying physically present while my partner is very angry with me'],
  ['tell-secret', 'Being fully honest about something I have kept to myself'],
  ['initiate-sex', 'Initiating sex'],
  ['say-true-wish', 'Saying what I truly want instead of what I think my partner wants to hear'],
  ['modest-gesture', 'Offering a simple, heartfelt gesture (a card, a note) when money is tight, instead of a gift'],
];

/** Rungs to plan with the therapist before trying them alone. */
const PLAN_FIRST = new Set(['stay-present', 'tell-secret']);

const RUNG_CHOICES: Array<[string, string]> = [
  ...LADDER.map(([id, label]): [string, string] => [id, PLAN_FIRST.has(id) ? `${label} (plan this with your therapist first)` : label]),
  ['own-1', 'My own first rung'],
  ['own-2', 'My own second rung'],
];

export const MAST: Exercise[] = [
  {
    slug: 'longing-and-fear',
    version: 2,
    title: 'Longing and fear',
    summary: 'Name what you hope to grow into with your partner, and the old wound you are afraid this relationship could reopen.',
    theme: 'vulnerability',
    audience: 'individual',
    minutes: 15,
    source: SOURCES.mast,
    safety: { requiresScreening: false },
    recurrence: ['once'],
    steps: [
      info(
        'why',
        'We are often drawn to a partner with a quiet hope: that with this person we can finally grow in ways we could not as children. Right beside that hope sits a fear: that the same old hurt will happen again. Both are normal. Naming them helps you and your therapist understand why closeness can feel so good and so frightening at once.',
      ),
      text('longing', 'With your partner, what do you most hope to grow into or finally experience?', {
        maxLength: 1000,
        placeholder: 'For example: being taken seriously, being comforted, feeling I can disagree and still be loved…',
      }),
      text('early-need', 'When you were growing up, which of your needs were not met as you wished?', { required: false, maxLength: 1000 }),
      text('fear', 'What old hurt are you afraid could happen again with your partner?', { maxLength: 1000 }),
      zeroToTen('fear-strength', 'How strong is that fear on an ordinary day?', 'Hardly there', 'Always with me'),
      text('protection', 'When the fear is stirred, what do you tend to do to protect yourself?', {
        maxLength: 800,
        help: 'For example: go quiet, pick a fight, leave the room, agree just to end it.',
      }),
      zeroToTen('longing-strength', 'How strong is the longing for closeness?', 'Hardly there', 'Very strong'),
      bringToSession(),
    ],
  },
  {
    slug: 'my-vulnerability-ladder',
    version: 2,
    title: 'My vulnerability ladder',
    summary: 'Rate how frightening some vulnerable acts feel, choose the lowest rung to try this week, and report back on how it went.',
    theme: 'vulnerability',
    audience: 'individual',
    minutes: 15,
    source: SOURCES.mast,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      info(
        'why',
        'Wanting closeness and fearing it often go together: being open with the person who matters most risks being hurt in the old, familiar ways. A ladder makes the fear manageable. You rate each step, start with the lowest, and build from there at your own pace.',
      ),
      single('tried-last-week', 'Since your last entry: did you try the rung you chose?', [
        ['yes', 'Yes'],
        ['partly', 'Partly'],
        ['no', 'No'],
        ['first-time', 'This is my first time doing this exercise'],
      ]),
      text('last-week-how', 'If you tried it: what happened, and how did it feel?', { required: false, maxLength: 1500 }),
      zeroToTen('how-it-felt', 'How did trying it feel?', 'Awful', 'Really good', false),
      info('re-rate', 'Now rate each rung as it feels today. Leave a rating empty if that rung does not apply to you.'),
      ...LADDER.map(([id, label]) => zeroToTen(`fear-${id}`, `How frightening does this feel? ${label}.`, 'No fear', 'Terrifying', false)),
      text('rung-own-1', 'A rung of your own: something vulnerable you would like to be able to do with your partner.', { required: false, maxLength: 300 }),
      zeroToTen('fear-own-1', 'How frightening does your first rung feel?', 'No fear', 'Terrifying', false),
      text('rung-own-2', 'A second rung of your own, if you have one.', { required: false, maxLength: 300 }),
      zeroToTen('fear-own-2', 'How frightening does your second rung feel?', 'No fear', 'Terrifying', false),
      single('rung', 'Which rung will you try this week? Choose one you rated low enough to be possible.', RUNG_CHOICES),
      text('plan', 'When and how will you try it? Be specific: the day, the moment, the words you might use.', { maxLength: 1000 }),
      bringToSession(),
    ],
  },
  {
    slug: 'when-we-miss-each-other',
    version: 2,
    title: 'When we miss each other',
    summary: 'Each partner looks at one recent conflict for the need underneath it and the fear that drove the defence.',
    theme: 'conflict',
    audience: 'couple',
    minutes: 20,
    source: SOURCES.mast,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      everydayOnly(),
      info(
        'why',
        'Partners step on each other’s toes while reaching for what they most need. When one keeps “missing” the other, old fears wake up and each reacts to protect themselves, and the argument takes on a life of its own. Under the defence there is usually a need and a fear. Each of you answers separately about the same conflict.',
      ),
      text('conflict', 'Which recent conflict are you both thinking about? Describe it briefly.', { maxLength: 800 }),
      text('need', 'What did you need from your partner in that moment?', { maxLength: 800 }),
      text('fear', 'What were you afraid would happen if you did not get it?', { maxLength: 800 }),
      multi(
        'defence',
        'How did you protect yourself? Choose all that happened.',
        [
          ['attack', 'I criticised or raised my voice'],
          ['withdraw', 'I went quiet or withdrew'],
          ['leave', 'I left the room or the conversation'],
          ['give-in', 'I gave in to end it'],
          ['other', 'Something else'],
        ],
        { min: 1 },
      ),
      text('guess', 'What do you guess your partner needed, underneath their reaction?', { required: false, maxLength: 800 }),
      zeroToTen('understood', 'How well do you feel your partner understands your need now?', 'Not at all', 'Completely'),
      bringToSession(),
    ],
  },
];
