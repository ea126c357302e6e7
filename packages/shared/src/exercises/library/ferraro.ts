import type { Exercise } from '../steps.js';
import { checklist, info, multi, single, SOURCES, text, zeroToTen } from './build.js';

export const FERRARO: Exercise[] = [
  {
    slug: 'present-hurt-past-hurt',
    version: 1,
    title: 'Present hurt, past hurt',
    summary:
      'After a partner’s remark or lapse stings more than it seems it should, untangle how much of the pain belongs to today and how much echoes older wounds.',
    theme: 'hurt-and-repair',
    audience: 'individual',
    minutes: 15,
    source: SOURCES.ferraro,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      info(
        'why',
        'The person closest to us can hurt us most, often without meaning to. When an everyday slight lands very hard, part of the pain may be an older hurt being touched again. The two arrive together so fast that they feel like one feeling. This exercise slows that moment down, once you have calmed, so you can look at each part.',
      ),
      text('what-happened', 'What happened? Describe the moment as a camera would have seen it: who said or did what, and when.', { maxLength: 1500 }),
      zeroToTen('intensity-then', 'How strong was the hurt in the moment?', 'Barely noticed', 'Overwhelming'),
      zeroToTen('intensity-now', 'How strong is it now, as you write?', 'Gone', 'As strong as ever'),
      multi(
        'feelings',
        'Which feelings were in it? Choose all that fit.',
        [
          ['hurt', 'Hurt'],
          ['angry', 'Angry'],
          ['dismissed', 'Dismissed or unimportant'],
          ['alone', 'Alone'],
          ['ashamed', 'Ashamed'],
          ['scared', 'Scared'],
          ['betrayed', 'Let down or betrayed'],
        ],
        { min: 1 },
      ),
      text('echo', 'Does this feeling remind you of anything from earlier in your life? When have you felt this way before, and with whom?', {
        required: false,
        help: 'Write only what feels safe to write. You can also bring this to your next session instead.',
      }),
      zeroToTen('share-today', 'Looking back, how much of your reaction belongs to what happened today (rather than to older pain)?', 'Almost none of it', 'All of it'),
      text('needed', 'What did you need from your partner in that moment?', { maxLength: 800 }),
    ],
  },
  {
    slug: 'when-the-one-i-love-misses-me',
    version: 1,
    title: 'When the one I love misses me',
    summary:
      'Notice the small moments when your partner was not attuned to you (the careless remark, the distracted listener, the missing comfort) and name what you needed.',
    theme: 'hurt-and-repair',
    audience: 'either',
    minutes: 10,
    source: SOURCES.ferraro,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      info(
        'why',
        'Every close relationship has moments when one partner misses the other: a sharp word in an argument, half-listening to good news, advice when comfort was wanted. These moments hurt, and they are also ordinary. Noticing them clearly, without deciding they mean the relationship is failing, is the first step to talking about them.',
      ),
      single('kind', 'Which moment this week comes closest?', [
        ['careless-remark', 'A careless or critical remark said in anger'],
        ['distracted', 'I shared something that mattered and my partner was distracted'],
        ['missing-comfort', 'I needed comfort and got advice, impatience or nothing'],
        ['other', 'Something else'],
      ]),
      text('moment', 'Describe the moment in a few sentences.', { maxLength: 1200 }),
      zeroToTen('hurt', 'How much did it hurt?', 'A little', 'A great deal'),
      text('needed', 'What did you need or hope for instead?', { maxLength: 800 }),
      single('said', 'Did you tell your partner how it landed?', [
        ['yes-calm', 'Yes, calmly'],
        ['yes-heated', 'Yes, but it came out heated'],
        ['not-yet', 'Not yet'],
        ['no', 'No, and I don’t plan to'],
      ]),
      text('words', 'If you were to tell them now, what would you say? Try starting with “When … I felt … and what I needed was …”.', { required: false, maxLength: 800 }),
    ],
  },
  {
    slug: 'repair-after-a-small-hurt',
    version: 1,
    title: 'Repair after a small hurt',
    summary: 'One partner names a recent everyday hurt; the other acknowledges it and apologises; both rate how repaired it feels.',
    theme: 'hurt-and-repair',
    audience: 'couple',
    minutes: 20,
    source: SOURCES.ferraro,
    safety: { requiresScreening: false },
    recurrence: ['once', 'weekly'],
    steps: [
      info(
        'why',
        'People who love each other still get it wrong sometimes. What protects a relationship is not avoiding every hurt but repairing: one of you says what stung, the other hears it and owns their part. Choose a small, everyday hurt for this, not a major breach of trust. Each of you answers on your own phone after you have talked.',
      ),
      single('role', 'In this conversation, were you the one who was hurt, or the one who listened and apologised?', [
        ['hurt', 'I named a hurt'],
        ['listener', 'I listened and apologised'],
      ]),
      text('the-hurt', 'In one or two sentences, what was the hurt you talked about?', { maxLength: 600 }),
      checklist('steps-taken', 'What happened in your conversation? Tick what you did.', [
        ['named', 'The hurt was named calmly, without a list of other complaints'],
        ['reflected', 'The listener said back what they heard'],
        ['acknowledged', 'The listener acknowledged the impact, even if it was not intended'],
        ['apologised', 'There was a sincere apology'],
        ['next-time', 'We agreed on something to try next time'],
      ]),
      zeroToTen('repaired', 'How repaired does this feel to you now?', 'Not at all', 'Fully repaired'),
      zeroToTen('close', 'How close do you feel to your partner right now?', 'Far apart', 'Very close'),
      text('helped', 'What helped most, or what is still missing?', { required: false, maxLength: 800 }),
    ],
  },
];
