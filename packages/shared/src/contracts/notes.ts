export const NOTE_FORMATS = ['SOAP', 'DAP', 'BIRP', 'free'] as const;
export type NoteFormat = (typeof NOTE_FORMATS)[number];

export const NOTE_KINDS = ['progress', 'psychotherapy'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export interface NoteSectionTemplate {
  key: string;
  label: string;
  hint: string;
}

/** The sections of each note format, in order, with a prompt for each. */
export const NOTE_TEMPLATES: Record<NoteFormat, NoteSectionTemplate[]> = {
  SOAP: [
    { key: 'subjective', label: 'Subjective', hint: 'What the client(s) reported: concerns, mood, events since the last session, homework experience.' },
    { key: 'objective', label: 'Objective', hint: 'What you observed: affect, behaviour, interaction between partners, measures.' },
    { key: 'assessment', label: 'Assessment', hint: 'Your clinical impression and progress toward goals.' },
    { key: 'plan', label: 'Plan', hint: 'Next steps, homework assigned, next session.' },
  ],
  DAP: [
    { key: 'data', label: 'Data', hint: 'What was said and observed in the session.' },
    { key: 'assessment', label: 'Assessment', hint: 'Your interpretation and progress toward goals.' },
    { key: 'plan', label: 'Plan', hint: 'Next steps, homework, next session.' },
  ],
  BIRP: [
    { key: 'behavior', label: 'Behavior', hint: 'The client’s presentation and what they reported.' },
    { key: 'intervention', label: 'Intervention', hint: 'What you did: techniques, exercises, psychoeducation.' },
    { key: 'response', label: 'Response', hint: 'How the client(s) responded to the intervention.' },
    { key: 'plan', label: 'Plan', hint: 'Next steps, homework, next session.' },
  ],
  free: [{ key: 'note', label: 'Note', hint: 'Your note.' }],
};

export const NOTE_SECTION_MAX_LENGTH = 20_000;

/** The earliest session date a note may carry; the latest is today in the practice's time zone. */
export const EARLIEST_SESSION_DATE = '2000-01-01';

export interface NoteSummary {
  id: string;
  subject: { kind: 'client' | 'couple'; id: string; name: string };
  sessionDate: string;
  format: NoteFormat;
  kind: NoteKind;
  status: 'draft' | 'signed';
  author: { id: string; name: string };
  signedAt: string | null;
  addendumOf: string | null;
  addendaCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface NoteDetail extends NoteSummary {
  /** Null when the reader may see that the note exists but not what it says (admins). */
  sections: Record<string, string> | null;
  signedBy: { id: string; name: string } | null;
  addenda: NoteSummary[];
  canEdit: boolean;
}

export interface CreateNoteRequest {
  clientId?: string;
  coupleId?: string;
  sessionDate: string;
  format: NoteFormat;
  kind: NoteKind;
}

export interface UpdateNoteRequest {
  sections?: Record<string, string>;
  sessionDate?: string;
  version: number;
}
