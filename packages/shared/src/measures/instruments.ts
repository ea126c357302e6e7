/**
 * The four standard outcome measures Tandem offers, as data. Item wording,
 * instructions and answer labels are reproduced exactly as published: a
 * changed word changes what the score means. Everything around them (help
 * text, band names beyond the published ones) is Tandem's own.
 *
 * LOINC codes are recorded where a code is known for the instrument or item;
 * where none is known the field is null rather than a guess.
 */

export const MEASURE_IDS = ['phq-9', 'gad-7', 'pcl-5', 'csi-4'] as const;
export type MeasureId = (typeof MEASURE_IDS)[number];

export const isMeasureId = (value: unknown): value is MeasureId => typeof value === 'string' && (MEASURE_IDS as readonly string[]).includes(value);

export interface MeasureOption {
  value: number;
  label: string;
}

export interface MeasureItem {
  /** Stable step id inside the measure, e.g. `phq9-9`. */
  id: string;
  number: number;
  text: string;
  loinc: string | null;
  options: MeasureOption[];
}

/** A published question printed with the instrument that does not count toward the total. */
export interface UnscoredItem {
  id: string;
  text: string;
  loinc: string | null;
  options: MeasureOption[];
}

export interface MeasureBand {
  /** Inclusive bounds of the total. */
  min: number;
  max: number;
  label: string;
  /** 0 = the best band; higher = more concern. Used for shading and ordering. */
  concern: number;
}

/** Which totals are in the clinical range. */
export interface ClinicalCutOff {
  /** The published figure, as published (PCL-5: "31–33"; CSI-4: 13.5). */
  published: string;
  /** Integer totals in the clinical range: at or above `atOrAbove`, or at or below `atOrBelow`. */
  atOrAbove?: number;
  atOrBelow?: number;
  /** What crossing it means, for the clinician. */
  meaning: string;
}

/**
 * The constants of the reliable change index (Jacobson & Truax 1991):
 * S_diff = √2 · SD · √(1 − r); a change is reliable when |Δ| / S_diff > 1.96.
 */
export interface ReliableChangeConstants {
  reliability: number;
  reliabilitySource: string;
  sd: number;
  sdSource: string;
}

export interface Instrument {
  id: MeasureId;
  /** Short name as printed: "PHQ-9". */
  name: string;
  title: string;
  /** Who it is for: CSI-4 is answered by each partner about the relationship. */
  audience: 'individual' | 'couple' | 'either';
  /** The instruction printed above the items; null where the instrument has none (each CSI-4 item is its own question). */
  stem: string | null;
  items: MeasureItem[];
  unscored: UnscoredItem[];
  range: { min: number; max: number };
  /** CSI-4: higher is better. The others measure symptoms: lower is better. */
  higherIsBetter: boolean;
  bands: MeasureBand[];
  clinical: ClinicalCutOff;
  /** Null where no published reliability and norm SD are recorded yet: change is then shown in points only. */
  reliableChange: ReliableChangeConstants | null;
  citation: string;
  licence: string;
  loinc: { panel: string | null; total: string | null };
  minutes: number;
}

const options = (labels: string[]): MeasureOption[] => labels.map((label, value) => ({ value, label }));

const TWO_WEEKS = options(['Not at all', 'Several days', 'More than half the days', 'Nearly every day']);
const DIFFICULTY = options(['Not difficult at all', 'Somewhat difficult', 'Very difficult', 'Extremely difficult']);
const DIFFICULTY_TEXT =
  'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?';

const PHQ9_ITEMS: Array<[string, string]> = [
  ['Little interest or pleasure in doing things', '44250-9'],
  ['Feeling down, depressed, or hopeless', '44255-8'],
  ['Trouble falling or staying asleep, or sleeping too much', '44259-0'],
  ['Feeling tired or having little energy', '44254-1'],
  ['Poor appetite or overeating', '44251-7'],
  ['Feeling bad about yourself — or that you are a failure or have let yourself or your family down', '44258-2'],
  ['Trouble concentrating on things, such as reading the newspaper or watching television', '44252-5'],
  [
    'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
    '44253-3',
  ],
  ['Thoughts that you would be better off dead or of hurting yourself in some way', '44260-8'],
];

const GAD7_ITEMS: Array<[string, string]> = [
  ['Feeling nervous, anxious or on edge', '69725-0'],
  ['Not being able to stop or control worrying', '68509-9'],
  ['Worrying too much about different things', '69733-4'],
  ['Trouble relaxing', '69734-2'],
  ['Being so restless that it is hard to sit still', '69735-9'],
  ['Becoming easily annoyed or irritable', '69689-8'],
  ['Feeling afraid as if something awful might happen', '69736-7'],
];

const PCL5_ITEMS = [
  'Repeated, disturbing, and unwanted memories of the stressful experience?',
  'Repeated, disturbing dreams of the stressful experience?',
  'Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were actually back there reliving it)?',
  'Feeling very upset when something reminded you of the stressful experience?',
  'Having strong physical reactions when something reminded you of the stressful experience (for example, heart pounding, trouble breathing, sweating)?',
  'Avoiding memories, thoughts, or feelings related to the stressful experience?',
  'Avoiding external reminders of the stressful experience (for example, people, places, conversations, activities, objects, or situations)?',
  'Trouble remembering important parts of the stressful experience?',
  'Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is completely dangerous)?',
  'Blaming yourself or someone else for the stressful experience or what happened after it?',
  'Having strong negative feelings such as fear, horror, anger, guilt, or shame?',
  'Loss of interest in activities that you used to enjoy?',
  'Feeling distant or cut off from other people?',
  'Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving feelings for people close to you)?',
  'Irritable behavior, angry outbursts, or acting aggressively?',
  'Taking too many risks or doing things that could cause you harm?',
  'Being “superalert” or watchful or on guard?',
  'Feeling jumpy or easily startled?',
  'Having difficulty concentrating?',
  'Trouble falling or staying asleep?',
];
const PCL5_OPTIONS = options(['Not at all', 'A little bit', 'Moderately', 'Quite a bit', 'Extremely']);

const CSI4_TRUE = options(['Not at all true', 'A little true', 'Somewhat true', 'Mostly true', 'Almost completely true', 'Completely true']);
const CSI4_DEGREE = options(['Not at all', 'A little', 'Somewhat', 'Mostly', 'Almost completely', 'Completely']);

export const PHQ9: Instrument = {
  id: 'phq-9',
  name: 'PHQ-9',
  title: 'Patient Health Questionnaire (PHQ-9)',
  audience: 'individual',
  stem: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  items: PHQ9_ITEMS.map(([text, loinc], i) => ({ id: `phq9-${i + 1}`, number: i + 1, text, loinc, options: TWO_WEEKS })),
  unscored: [{ id: 'phq9-difficulty', text: DIFFICULTY_TEXT, loinc: '69722-7', options: DIFFICULTY }],
  range: { min: 0, max: 27 },
  higherIsBetter: false,
  bands: [
    { min: 0, max: 4, label: 'Minimal', concern: 0 },
    { min: 5, max: 9, label: 'Mild', concern: 1 },
    { min: 10, max: 14, label: 'Moderate', concern: 2 },
    { min: 15, max: 19, label: 'Moderately severe', concern: 3 },
    { min: 20, max: 27, label: 'Severe', concern: 4 },
  ],
  clinical: { published: '10', atOrAbove: 10, meaning: 'A total of 10 or more is the usual threshold for clinically significant depression.' },
  reliableChange: {
    reliability: 0.89,
    reliabilitySource: 'Kroenke, Spitzer & Williams (2001): internal consistency (Cronbach’s α) .89 in primary care',
    sd: 3.5,
    sdSource: 'Kocalevent, Hinz & Brähler (2013), German general population (n = 5,018): SD 3.5 for women and for men',
  },
  citation:
    'Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. Journal of General Internal Medicine 2001;16(9):606–613.',
  licence:
    'Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.',
  loinc: { panel: '44249-1', total: '44261-6' },
  minutes: 3,
};

export const GAD7: Instrument = {
  id: 'gad-7',
  name: 'GAD-7',
  title: 'Generalized Anxiety Disorder 7-item scale (GAD-7)',
  audience: 'individual',
  stem: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  items: GAD7_ITEMS.map(([text, loinc], i) => ({ id: `gad7-${i + 1}`, number: i + 1, text, loinc, options: TWO_WEEKS })),
  unscored: [],
  range: { min: 0, max: 21 },
  higherIsBetter: false,
  bands: [
    { min: 0, max: 4, label: 'Minimal', concern: 0 },
    { min: 5, max: 9, label: 'Mild', concern: 1 },
    { min: 10, max: 14, label: 'Moderate', concern: 2 },
    { min: 15, max: 21, label: 'Severe', concern: 3 },
  ],
  clinical: { published: '10', atOrAbove: 10, meaning: 'A total of 10 or more is the published cut-off for identifying generalized anxiety disorder.' },
  reliableChange: {
    reliability: 0.92,
    reliabilitySource: 'Spitzer, Kroenke, Williams & Löwe (2006): internal consistency (Cronbach’s α) .92',
    sd: 3.37,
    sdSource:
      'Löwe et al. (2008), German general population (n = 5,030): women 3.2 (SD 3.5), men 2.7 (SD 3.2); 3.37 is the SD of the whole sample pooled from those figures (53.6% women)',
  },
  citation:
    'Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Archives of Internal Medicine 2006;166(10):1092–1097.',
  licence:
    'Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.',
  loinc: { panel: '69737-5', total: '70274-6' },
  minutes: 2,
};

export const PCL5: Instrument = {
  id: 'pcl-5',
  name: 'PCL-5',
  title: 'PTSD Checklist for DSM-5 (PCL-5)',
  audience: 'individual',
  stem: 'In the past month, how much were you bothered by:',
  items: PCL5_ITEMS.map((text, i) => ({ id: `pcl5-${i + 1}`, number: i + 1, text, loinc: null, options: PCL5_OPTIONS })),
  unscored: [],
  range: { min: 0, max: 80 },
  higherIsBetter: false,
  bands: [
    { min: 0, max: 30, label: 'Below the provisional cut-off', concern: 0 },
    { min: 31, max: 33, label: 'At the provisional cut-off (31–33)', concern: 1 },
    { min: 34, max: 80, label: 'Above the provisional cut-off', concern: 2 },
  ],
  clinical: {
    published: '31–33',
    atOrAbove: 31,
    meaning: 'A total of 31–33 or more suggests probable PTSD (a provisional cut-off: confirm with a clinical assessment).',
  },
  reliableChange: {
    reliability: 0.94,
    reliabilitySource: 'Blevins, Weathers, Davis, Witte & Domino (2015), study 1: internal consistency (Cronbach’s α) .94',
    sd: 12.4,
    sdSource: 'Normative data for the PCL-5, Journal of Affective Disorders 2020;277:368–374, table 3: SD 12.40 (a trauma-exposed sample)',
  },
  citation:
    'Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist for DSM-5 (PCL-5). National Center for PTSD, 2013. Blevins CA, Weathers FW, Davis MT, Witte TK, Domino JL. The Posttraumatic Stress Disorder Checklist for DSM-5 (PCL-5): development and initial psychometric evaluation. Journal of Traumatic Stress 2015;28(6):489–498.',
  licence: 'Public domain: developed by staff of the U.S. Department of Veterans Affairs National Center for PTSD.',
  loinc: { panel: null, total: null },
  minutes: 8,
};

export const CSI4: Instrument = {
  id: 'csi-4',
  name: 'CSI-4',
  title: 'Couples Satisfaction Index (CSI-4)',
  audience: 'either',
  stem: null,
  items: [
    {
      id: 'csi4-1',
      number: 1,
      text: 'Please indicate the degree of happiness, all things considered, of your relationship.',
      loinc: null,
      options: options(['Extremely Unhappy', 'Fairly Unhappy', 'A Little Unhappy', 'Happy', 'Very Happy', 'Extremely Happy', 'Perfect']),
    },
    { id: 'csi4-2', number: 2, text: 'I have a warm and comfortable relationship with my partner.', loinc: null, options: CSI4_TRUE },
    { id: 'csi4-3', number: 3, text: 'How rewarding is your relationship with your partner?', loinc: null, options: CSI4_DEGREE },
    { id: 'csi4-4', number: 4, text: 'In general, how satisfied are you with your relationship?', loinc: null, options: CSI4_DEGREE },
  ],
  unscored: [],
  range: { min: 0, max: 21 },
  higherIsBetter: true,
  bands: [
    { min: 14, max: 21, label: 'Above the distress cut-off', concern: 0 },
    { min: 0, max: 13, label: 'Notable dissatisfaction (below 13.5)', concern: 1 },
  ],
  clinical: { published: '13.5', atOrBelow: 13, meaning: 'A total below 13.5 suggests notable relationship dissatisfaction.' },
  // Funk & Rogge (2007) report the CSI-4's reliability, but no norm SD for it is recorded here yet,
  // so change is shown in points and the reliable change index is not computed.
  reliableChange: null,
  citation:
    'Funk JL, Rogge RD. Testing the ruler with item response theory: increasing precision of measurement for relationship satisfaction with the Couples Satisfaction Index. Journal of Family Psychology 2007;21(4):572–583.',
  licence: 'Free for research and clinical use (Funk & Rogge, 2007); no permission needed.',
  loinc: { panel: null, total: null },
  minutes: 1,
};

export const INSTRUMENTS: Record<MeasureId, Instrument> = { 'phq-9': PHQ9, 'gad-7': GAD7, 'pcl-5': PCL5, 'csi-4': CSI4 };

export const instrument = (id: MeasureId): Instrument => INSTRUMENTS[id];
