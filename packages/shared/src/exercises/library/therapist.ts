import type { Exercise } from '../steps.js';
import { bringToSession, info, multi, single, SOURCES, text, zeroToTen } from './build.js';

const KINDS: Array<[string, string, string]> = [
  ['physical', 'Physical', 'touch, closeness, affection that is not sexual'],
  ['sexual', 'Sexual', 'desire, sex and talking about it'],
  ['emotional', 'Emotional', 'sharing feelings and feeling understood'],
  ['spiritual', 'Spiritual', 'meaning, values, faith or purpose'],
  ['intellectual', 'Intellectual', 'ideas, opinions, curiosity'],
];

export const THERAPIST: Exercise[] = [
  {
    slug: 'kinds-of-intimacy',
    version: 2,
    title: 'Kinds of intimacy',
    summary: 'Rate your comfort with physical, sexual, emotional, spiritual and intellectual intimacy, and choose one to grow.',
    theme: 'self-understanding',
    audience: 'individual',
    minutes: 10,
    source: SOURCES.therapist,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      info(
        'why',
        'Intimacy is feeling known by someone and knowing them in return, and it comes in several kinds. Most of us are at ease with some and uneasy with others, and that is normal. Mapping your own comfort helps you and your partner understand each other’s pace.',
      ),
      ...KINDS.map(([id, label, about]) => zeroToTen(`comfort-${id}`, `How comfortable are you with ${label.toLowerCase()} intimacy (${about})?`, 'Very uncomfortable', 'Completely at ease')),
      single(
        'grow',
        'Which kind would you most like to grow in your relationship?',
        KINDS.map(([id, label]) => [id, label]),
      ),
      text('why-grow', 'Why that one, and what would a small step toward it look like?', { maxLength: 1000 }),
      bringToSession(),
    ],
  },
  {
    slug: 'my-familys-rules-about-feelings',
    version: 2,
    title: 'My family’s rules about feelings',
    summary: 'Look at how anger and sadness were met when you were growing up, and what you now believe about negative emotions.',
    theme: 'self-understanding',
    audience: 'individual',
    minutes: 15,
    source: SOURCES.therapist,
    safety: { requiresScreening: false },
    recurrence: ['once'],
    steps: [
      info(
        'why',
        'Many of us learned early that difficult feelings damage relationships: perhaps anger was frightening at home, or sadness was met with coldness. Those lessons can quietly block closeness as adults. Feelings like sadness, jealousy and anger are normal signals, not proof that something is broken. Seeing your early rules is the first step to choosing new ones.',
      ),
      multi(
        'anger-met',
        'When someone at home was angry, what usually happened? Choose all that fit.',
        [
          ['explosive', 'It was loud, frightening or violent'],
          ['silenced', 'It was hidden or not allowed'],
          ['punished', 'Showing it got you punished or shamed'],
          ['talked', 'It was talked through calmly'],
          ['mixed', 'It varied a lot'],
        ],
        { min: 1 },
      ),
      single('sadness-met', 'When you were sad as a child, how did the adults around you respond?', [
        ['comfort', 'With comfort'],
        ['cold', 'With coldness or distance'],
        ['anger', 'With irritation or anger'],
        ['fix', 'By trying to fix it quickly'],
        ['ignored', 'It went unnoticed'],
      ]),
      text('rule', 'Finish the sentence: “In my family, feelings were …”', { maxLength: 600 }),
      multi(
        'beliefs-now',
        'Which of these do you still half-believe today?',
        [
          ['anger-destroys', 'Anger destroys relationships'],
          ['sadness-burden', 'My sadness is a burden to others'],
          ['jealousy-shameful', 'Feeling jealous is shameful'],
          ['keep-peace', 'Keeping the peace matters more than being honest'],
          ['none', 'None of these'],
        ],
        { min: 1 },
      ),
      zeroToTen('comfort-sharing', 'How comfortable are you sharing a difficult feeling with your partner?', 'Not at all', 'Very comfortable'),
      text('new-belief', 'What would you like to believe about difficult feelings instead?', { required: false, maxLength: 600 }),
      bringToSession(),
    ],
  },
  {
    slug: 'share-and-reflect',
    version: 2,
    title: 'Share and reflect (weekly)',
    summary: 'One partner shares an emotional experience; the other reflects it back with empathy; both rate how understood they felt.',
    theme: 'communication',
    audience: 'couple',
    minutes: 20,
    source: SOURCES.therapist,
    safety: { requiresScreening: false },
    recurrence: ['weekly', 'once'],
    steps: [
      info(
        'why',
        'Closeness grows with practice. When one partner shares a feeling and the other responds with empathy, sharing feels safer the next time, and a positive loop begins. Take turns: the sharer describes one emotional experience from the week; the listener says back what they heard and what the sharer might be feeling, without fixing or defending. Then swap. Each of you answers separately.',
      ),
      info(
        'listening-rules',
        'Rules for the listener: start with something from outside your relationship (work, a friend, a memory), not a complaint about each other. The sharer talks about one experience, not a list; no unloading everything at once. The listener does not fix, advise, defend or change the subject: say back what you heard, and guess at the feeling (“It sounds like you felt …”). Ask “Did I get that right?” and let the sharer correct you.',
      ),
      single('role', 'Which role did you take first this week?', [
        ['sharer', 'I shared first'],
        ['listener', 'I listened first'],
      ]),
      text('shared', 'What did you share (or, if you listened first, what did your partner share)?', { maxLength: 1000 }),
      text('reflection', 'What did the listener say back? Write the gist of it.', { maxLength: 1000 }),
      zeroToTen('understood', 'When you shared, how understood did you feel?', 'Not understood', 'Completely understood'),
      zeroToTen('listening', 'When you listened, how well do you think you understood your partner?', 'Not well', 'Very well'),
      text('hard', 'What was hardest about it?', { required: false, maxLength: 600 }),
      bringToSession(),
    ],
  },
];
