import type { MessageKind } from './message-kinds.js';

/** What a message may say: a practice's name, a first name, a link, and for digests counts. Never anything clinical. */
export interface MessageFacts {
  kind: MessageKind;
  practiceName: string;
  firstName: string;
  link: string;
  /** Link validity, in words ("72 hours"), for invites and resets. */
  validFor?: string;
  counts?: { submissions: number; overdue: number };
}

export interface ComposedMessage {
  subject: string;
  text: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Tandem's wording for each kind of message. */
export function composeMessage(f: MessageFacts): ComposedMessage {
  const hi = `Hi ${f.firstName},`;
  switch (f.kind) {
    case 'staff_invite':
      return {
        subject: `You're invited to ${f.practiceName} on Tandem`,
        text: `${hi}\n\n${f.practiceName} has invited you to Tandem. Choose your password here:\n\n${f.link}\n\nThe link works once, for ${f.validFor}. If you were not expecting this, ignore this email.\n`,
      };
    case 'password_reset':
      return {
        subject: 'Reset your Tandem password',
        text: `${hi}\n\nSomeone asked to reset the password of your ${f.practiceName} account on Tandem. Choose a new one here:\n\n${f.link}\n\nThe link works once, for ${f.validFor}. If it was not you, ignore this email: your password stays as it is.\n`,
      };
    case 'portal_link':
      return {
        subject: `Your private link from ${f.practiceName}`,
        text: `${hi}\n\n${f.practiceName} sent you your private link for the exercises between sessions:\n\n${f.link}\n\nIt is yours alone: please do not forward it. A newer link replaces this one.\n`,
      };
    case 'homework_assigned':
      return {
        subject: `Something new from ${f.practiceName}`,
        text: `${hi}\n\nThere is something new for you to do before your next session. Open it here:\n\n${f.link}\n`,
      };
    case 'homework_due':
      return {
        subject: `A reminder from ${f.practiceName}`,
        text: `${hi}\n\nA friendly reminder: something from ${f.practiceName} is due today. Open it here:\n\n${f.link}\n`,
      };
    case 'homework_overdue':
      return {
        subject: `Still time, from ${f.practiceName}`,
        text: `${hi}\n\nSomething from ${f.practiceName} was due yesterday. It is still open if you would like to do it:\n\n${f.link}\n`,
      };
    case 'safety_alert':
      return {
        subject: `Tandem: a client's answer needs your attention`,
        text: `${hi}\n\nIn ${f.practiceName}, a client's answer needs your attention. Sign in to Tandem to see it:\n\n${f.link}\n\nThis email says nothing more on purpose: the details are only in Tandem.\n`,
      };
    case 'clinician_digest': {
      const counts = f.counts ?? { submissions: 0, overdue: 0 };
      const line = `${plural(counts.submissions, 'new submission', 'new submissions')}, ${counts.overdue} overdue`;
      return {
        subject: `Tandem: ${line}`,
        text: `${hi}\n\nSince yesterday in ${f.practiceName}: ${line}.\n\n${f.link}\n`,
      };
    }
  }
}

/** How a person is greeted: the name they go by, else the first word of their name. */
export function firstNameOf(name: string, preferred?: string | null): string {
  return (preferred?.trim() || name.trim().split(/\s+/)[0] || name).slice(0, 100);
}
