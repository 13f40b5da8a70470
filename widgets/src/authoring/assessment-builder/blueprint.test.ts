import { describe, expect, it } from 'vitest';
import type { AssessmentDetail } from '../types.js';
import { combineDifficulty, emptyBuilderForm, fieldForAssessmentPath, newRow, toNewAssessment, validateBuilder, type BuilderForm } from './blueprint.js';

function form(): BuilderForm {
  return { ...emptyBuilderForm('7'), title: 'Ratios check', rows: [newRow('7.RP.A.1'), newRow('7.RP.A.2')] };
}

function detail(kind: AssessmentDetail['kind'], difficulty: AssessmentDetail['difficulty']): AssessmentDetail {
  return {
    id: kind, title: kind, grade: '7', kind, standards: [], itemCount: 4, owner: 'course', blueprint: [],
    settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false }, forms: [], difficulty,
  };
}

describe('assessment builder form', () => {
  it('sends the blueprint and settings the API expects', () => {
    const f = { ...form(), timeLimit: '30', showCorrect: true };
    expect(toNewAssessment(f)).toEqual({
      title: 'Ratios check', grade: '7', kind: 'pre-post',
      blueprint: [{ standard: '7.RP.A.1', items: 2 }, { standard: '7.RP.A.2', items: 2 }],
      settings: { attemptsAllowed: 1, timeLimitMinutes: 30, showCorrectAnswers: true },
    });
    expect(toNewAssessment(form()).settings?.timeLimitMinutes).toBeNull();
  });

  it('asks for an adaptive test only when the author ticks Adaptive', () => {
    expect(toNewAssessment({ ...form(), adaptive: true }).settings).toMatchObject({ mode: 'adaptive' });
    expect(toNewAssessment(form()).settings).not.toHaveProperty('mode');
  });

  it('names the field of every problem', () => {
    expect(validateBuilder(form())).toEqual([]);
    const f = form();
    const bad: BuilderForm = { ...f, title: ' ', rows: [f.rows[0]!, { ...f.rows[1]!, standard: '7.RP.A.1', items: '0' }], attempts: '0', timeLimit: '2.5' };
    const r1 = bad.rows[1];
    expect(validateBuilder(bad).map((p) => p.field)).toEqual(['a-title', `row-std-${r1!.key}`, `row-items-${r1!.key}`, 'a-attempts', 'a-time']);
    expect(validateBuilder({ ...f, rows: [] }).map((p) => p.key)).toEqual(['errNoRows']);
  });

  it('maps server problem paths to builder fields', () => {
    const f = form();
    expect(fieldForAssessmentPath('blueprint.1.items', f)).toBe(`row-items-${f.rows[1]!.key}`);
    expect(fieldForAssessmentPath('settings.timeLimitMinutes', f)).toBe('a-time');
    expect(fieldForAssessmentPath('blueprint', f)).toBe('blueprint');
  });

  it('stitches a pre/post pair into one difficulty table and judges the balance', () => {
    const report = combineDifficulty([
      detail('pre', [{ standard: '7.RP.A.1', meanByForm: [-0.2], maxGap: 0 }, { standard: '7.RP.A.2', meanByForm: [0.1], maxGap: 0 }]),
      detail('post', [{ standard: '7.RP.A.1', meanByForm: [0.1], maxGap: 0 }, { standard: '7.RP.A.2', meanByForm: [1.0], maxGap: 0 }]),
    ]);
    expect(report.columns.map((c) => c.kind)).toEqual(['pre', 'post']);
    expect(report.rows.map((r) => [r.standard, r.balanced])).toEqual([['7.RP.A.1', true], ['7.RP.A.2', false]]);
    expect(report.rows[1]!.gap).toBeCloseTo(0.9);
  });

  it('uses a report that already covers both forms as it is', () => {
    const pair = [{ standard: '7.RP.A.1', meanByForm: [0, 0.3], maxGap: 0.3 }];
    const report = combineDifficulty([detail('pre', pair), detail('post', pair)]);
    expect(report.columns.map((c) => c.kind)).toEqual(['pre', 'post']);
    expect(report.rows).toEqual([{ standard: '7.RP.A.1', means: [0, 0.3], gap: 0.3, balanced: true }]);
    expect(combineDifficulty([detail('diagnostic', [{ standard: 'x', meanByForm: [1], maxGap: 0 }])]).columns).toHaveLength(1);
  });
});
