import { lazy, Suspense, useState } from 'react';
import type { ConjointSafety } from '@tandem/shared';
import { Loading } from '../../ui/forms';
import { AssignHomeworkForm } from './AssignHomeworkForm';
import { HomeworkTimeline } from './HomeworkTimeline';
import type { HomeworkSubject } from './homework-api';

// Charts load only when a page shows them: the charting library is the largest part of the dashboard.
const TrendCharts = lazy(() => import('./TrendCharts'));

/** Homework on a client or couple page: assign, the timeline of what came back, and trends. */
export function HomeworkSection({ subject, canAssign, showAnswers, safety }: { subject: HomeworkSubject; canAssign: boolean; showAnswers: boolean; safety?: ConjointSafety }) {
  const [assigning, setAssigning] = useState(false);
  return (
    <section className="panel" aria-labelledby="homework-heading">
      <h2 id="homework-heading">Homework</h2>
      {canAssign && (
        <>
          <button type="button" className="button button--primary" aria-expanded={assigning} onClick={() => setAssigning(!assigning)}>
            {assigning ? 'Close' : 'Assign an exercise'}
          </button>
          {assigning && <AssignHomeworkForm subject={subject} safety={safety} />}
        </>
      )}
      <HomeworkTimeline subject={subject} canChange={canAssign} />
      {showAnswers && (
        <>
          <h3>Trends</h3>
          <Suspense fallback={<Loading label="Loading charts…" />}>
            <TrendCharts subject={subject} />
          </Suspense>
        </>
      )}
    </section>
  );
}
