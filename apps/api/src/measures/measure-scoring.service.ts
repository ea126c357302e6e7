import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { measureOfExercise, scoreAnswers } from '@tandem/shared';
import type { AuditRecorder } from '../audit/audited-writes.service.js';
import { ValidationFailedError } from '../common/app-error.js';
import { kyselyOn } from '../db/kysely.js';
import type { SubmittedResponse } from '../safety/alerts.service.js';

/**
 * Scores a submitted measure on the server, inside the submit transaction:
 * the score commits with the submission and its audit event, or not at all.
 * An ordinary exercise passes through untouched.
 */
@Injectable()
export class MeasureScoring {
  async recordSubmitted(tx: EntityManager, audit: AuditRecorder, submitted: SubmittedResponse): Promise<void> {
    const instrument = measureOfExercise(submitted.exercise);
    if (!instrument) return;
    const scored = scoreAnswers(instrument, submitted.answers);
    // The portal's answer check refuses partial and out-of-range answers first; this is the last word on it.
    if (!scored.ok) {
      throw new ValidationFailedError(
        Object.fromEntries(Object.entries(scored.errors).map(([item, message]) => [`answers.${item}`, message])),
        'Some answers need attention before you submit.',
      );
    }
    const rows = await kyselyOn(tx)
      .insertInto('measure_score')
      .columns(['practice_id', 'response_id', 'assignment_id', 'seq', 'client_id', 'couple_id', 'measure', 'total', 'taken_at'])
      .expression((db) =>
        db
          .selectFrom('response as r')
          .select([
            'r.practice_id',
            'r.id',
            'r.assignment_id',
            'r.seq',
            'r.client_id',
            'r.couple_id',
            sql<string>`${instrument.id}::text`.as('measure'),
            sql<number>`${scored.total}::int`.as('total'),
            sql<Date>`date_trunc('milliseconds', r.submitted_at)`.as('taken_at'),
          ])
          .where('r.practice_id', '=', submitted.practiceId)
          .where('r.id', '=', submitted.responseId)
          .where('r.status', '=', sql.lit('submitted')),
      )
      .onConflict((oc) => oc.columns(['practice_id', 'response_id']).doNothing())
      .returning('id')
      .execute();
    if (rows.length === 0) return;
    await audit.record({
      action: 'measure.scored',
      recordType: 'measure_score',
      recordId: rows[0]!.id,
      subjectId: submitted.coupleId ?? submitted.clientId,
      detail: { measure: instrument.id },
    });
  }
}
