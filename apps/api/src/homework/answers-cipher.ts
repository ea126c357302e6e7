import type { Answers } from '@tandem/shared';
import { aadFor, type FieldCipher } from '../encryption/field-cipher.js';

/** Answers are stored only as ciphertext bound to their response row and practice. */
export function sealAnswers(cipher: FieldCipher, practiceId: string, responseId: string, answers: Answers) {
  return cipher.encrypt(JSON.stringify(answers), aadFor('response', practiceId, responseId, 'answers'));
}

export function openAnswers(cipher: FieldCipher, row: { practice_id: string; id: string; key_id: string; answers_enc: Buffer }): Answers {
  return JSON.parse(cipher.decrypt(row.answers_enc, row.key_id, aadFor('response', row.practice_id, row.id, 'answers'))) as Answers;
}

