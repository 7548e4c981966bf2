import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, toYamlStream } from '../yaml';
import type { K8sObject } from '../types';
import { editorSession, initialSession, type EditorAction, type EditorSession } from './session';

const vs = (rv: string, weight: number): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop', resourceVersion: rv },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 100 - weight },
        ],
      },
    ],
  },
});
const text = (o: K8sObject) => toYamlStream([o]);
const parse = (t: string) => parseYamlDocuments(t).documents[0]?.value as K8sObject | undefined;
const run = (s: EditorSession, ...actions: EditorAction[]) => actions.reduce(editorSession, s);

describe('the editor session', () => {
  const start = initialSession(text(vs('7', 90)), '7');

  it('a dry run becomes a review; an edit voids it and the server complaints', () => {
    const reviewing = run(start, { type: 'typed', text: text(vs('7', 80)) }, { type: 'review-started' });
    expect(reviewing.busy).toBe('review');
    const reviewed = run(reviewing, { type: 'reviewed', original: start.text, modified: text(vs('7', 80)), warnings: ['IST0101: x'] });
    expect(reviewed.phase).toMatchObject({ kind: 'review', warnings: ['IST0101: x'] });
    expect(reviewed.busy).toBe('');
    const typedAgain = run(reviewed, { type: 'typed', text: text(vs('7', 70)) });
    expect(typedAgain.phase).toEqual({ kind: 'edit' });
    // Typing the same text changes nothing (Monaco echoes values).
    expect(run(reviewed, { type: 'typed', text: reviewed.text })).toBe(reviewed);
  });

  it('an apply stores the new base: the next save carries the resourceVersion the server returned', () => {
    const s = run(
      start,
      { type: 'typed', text: text(vs('7', 50)) },
      { type: 'apply-started' },
      { type: 'applied', object: vs('8', 50), text: text(vs('8', 50)), notice: 'Applied.' },
    );
    expect(s.base).toEqual({ resourceVersion: '8', text: text(vs('8', 50)) });
    expect(s.text).toBe(s.base.text);
    expect([s.busy, s.notice, s.phase.kind, s.outcomeUnknown]).toEqual(['', 'Applied.', 'edit', false]);
  });

  it('a conflict keeps my text and merges when it can; carrying over rebases on the live version', () => {
    const mine = run(start, { type: 'typed', text: text(vs('7', 50)) }, { type: 'apply-started' });
    const live = { ...vs('9', 90), spec: { ...(vs('9', 90).spec as object), gateways: ['mesh'] } }; // someone else added gateways meanwhile
    const conflict = run(mine, { type: 'write-failed', step: 'apply', failure: { kind: 'conflict', current: live }, parse });
    expect(conflict.phase).toMatchObject({ kind: 'conflict', mineText: text(vs('7', 50)), conflicts: [] });
    const carried = run(conflict, { type: 'carry-over', parse, editText: text });
    expect(carried.base.resourceVersion).toBe('9');
    const merged = parse(carried.text)!;
    expect((merged.spec as any).gateways).toEqual(['mesh']);
    expect((merged.spec as any).http[0].route.map((r: any) => r.weight)).toEqual([50, 50]);
    expect(carried.notice).toContain('resourceVersion 9');
  });

  it('a conflict on the same field is listed, and taking the live version drops mine', () => {
    const mine = run(start, { type: 'typed', text: text(vs('7', 50)) });
    const conflict = run(mine, { type: 'write-failed', step: 'apply', failure: { kind: 'conflict', current: vs('9', 60) }, parse });
    expect(conflict.phase.kind === 'conflict' && conflict.phase.conflicts.length).toBeGreaterThan(0);
    const taken = run(conflict, { type: 'take-current', editText: text });
    expect(taken.text).toBe(text(vs('9', 60)));
    expect(taken.base.resourceVersion).toBe('9');
  });

  it('server causes land on lines; an unanswered apply is unknown, not refused, and the base stays', () => {
    const problems = [
      { code: 'Invalid', severity: 'error' as const, message: 'bad', source: 'server' as const, startLine: 3, startColumn: 1, endLine: 3, endColumn: 4 },
    ];
    const invalid = run(start, { type: 'apply-started' }, { type: 'write-failed', step: 'apply', failure: { kind: 'invalid', problems, error: 'e' }, parse });
    expect([invalid.serverProblems, invalid.outcomeUnknown, invalid.phase.kind]).toEqual([problems, false, 'edit']);
    const unknown = run(
      start,
      { type: 'typed', text: text(vs('7', 50)) },
      { type: 'apply-started' },
      { type: 'write-failed', step: 'apply', failure: { kind: 'unknown', error: 'e' }, parse },
    );
    expect([unknown.outcomeUnknown, unknown.busy, unknown.base.resourceVersion, unknown.text]).toEqual([true, '', '7', text(vs('7', 50))]);
    // A dry run without an answer stored nothing: not an unknown outcome.
    const dry = run(start, { type: 'review-started' }, { type: 'write-failed', step: 'review', failure: { kind: 'unknown', error: 'e' }, parse });
    expect([dry.outcomeUnknown, dry.serverError]).toEqual([false, 'e']);
    // The next apply starts clean.
    expect(run(unknown, { type: 'apply-started' }).outcomeUnknown).toBe(false);
  });
});
