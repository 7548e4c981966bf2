import { describe, expect, it } from 'vitest';
import type { FormWrite } from '@/lib/istio/forms/writes';
import { currentPhase, isVoid, lockOf, STALE_DRY_RUN, writesFingerprint, type Phase } from './applyPhase';

const pa = (mode: string, resourceVersion = '7'): FormWrite => ({
  action: 'replace',
  object: {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'shop', resourceVersion },
    spec: { mtls: { mode } },
  },
});

describe('a dry run belongs to the writes it sent', () => {
  const dryRun = [pa('STRICT')];
  const fp = writesFingerprint(dryRun);
  const review: Phase = { kind: 'review', writes: dryRun, fingerprint: fp, results: [dryRun[0]!.object] };

  it('fingerprints what is sent, resourceVersion included', () => {
    expect(writesFingerprint([pa('STRICT')])).toBe(fp);
    expect(writesFingerprint([pa('PERMISSIVE')])).not.toBe(fp);
    expect(writesFingerprint([pa('STRICT', '8')])).not.toBe(fp);
    expect(writesFingerprint([{ ...pa('STRICT'), action: 'create' }])).not.toBe(fp);
  });

  it("a review of the form's current writes stands, and holds exactly the writes that were dry-run", () => {
    expect(currentPhase(review, fp)).toBe(review);
    expect(isVoid(review, fp)).toBe(false);
    expect((currentPhase(review, fp) as Extract<Phase, { kind: 'review' }>).writes).toBe(dryRun);
  });

  it('once the form writes something else, a review or a dry run in flight is void: it shows as editing and cannot be applied', () => {
    const edited = writesFingerprint([pa('PERMISSIVE')]);
    expect(isVoid(review, edited)).toBe(true);
    expect(currentPhase(review, edited)).toEqual({ kind: 'edit', notice: STALE_DRY_RUN });
    const inFlight: Phase = { kind: 'busy', step: 'dry-run', index: 0, writes: dryRun, fingerprint: fp };
    expect(currentPhase(inFlight, edited)).toEqual({ kind: 'edit', notice: STALE_DRY_RUN });
    // A refused dry run is simply over once the user changes the form.
    const refused: Phase = { kind: 'failed', step: 'dry-run', index: 0, error: new Error('x'), done: [], writes: dryRun, fingerprint: fp };
    expect(currentPhase(refused, fp)).toBe(refused);
    expect(currentPhase(refused, edited)).toEqual({ kind: 'edit' });
  });

  it('an apply is never void: its writes were sent', () => {
    const edited = writesFingerprint([pa('PERMISSIVE')]);
    const applying: Phase = { kind: 'busy', step: 'apply', index: 0, writes: dryRun, fingerprint: fp };
    const failed: Phase = { kind: 'failed', step: 'apply', index: 0, error: new Error('x'), done: [], writes: dryRun, fingerprint: fp };
    expect(currentPhase(applying, edited)).toBe(applying);
    expect(currentPhase(failed, edited)).toBe(failed);
    expect(currentPhase({ kind: 'edit' }, edited)).toEqual({ kind: 'edit' });
  });
});

describe('when the form is locked', () => {
  const batch = { writes: [pa('STRICT')], fingerprint: 'x' };
  it('open while editing or after a refused dry run; locked in review and after a failed apply; busy while requests are in flight', () => {
    expect(lockOf({ kind: 'edit' })).toBe('open');
    expect(lockOf({ kind: 'failed', step: 'dry-run', index: 0, error: null, done: [], ...batch })).toBe('open');
    expect(lockOf({ kind: 'busy', step: 'dry-run', index: 0, ...batch })).toBe('busy');
    expect(lockOf({ kind: 'busy', step: 'apply', index: 0, ...batch })).toBe('busy');
    expect(lockOf({ kind: 'review', results: [], ...batch })).toBe('locked');
    expect(lockOf({ kind: 'failed', step: 'apply', index: 0, error: null, done: [], ...batch })).toBe('locked');
  });
});
