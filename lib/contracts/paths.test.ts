import { describe, expect, it } from 'vitest';
import { malformedPath, malformedPathResponse } from './paths';

describe('paths Next.js cannot decode', () => {
  it('finds the segment with a malformed escape or non-UTF-8 bytes', () => {
    expect(malformedPath('/api/resources/%C3%28/v1/x')).toBe('%C3%28');
    expect(malformedPath('/api/resources/a/%ZZ')).toBe('%ZZ');
    expect(malformedPath('/api/resources/networking%2Eistio.io/v1/virtualservices/default/r%C3%A9')).toBeNull();
  });
  it('answers 400 with the reason', async () => {
    const r = malformedPathResponse('/api/resources/%ED%A0%80x/v1/y')!;
    expect(r.status).toBe(400);
    expect((await r.json()).message).toMatch(/malformed percent-escape.*%ED%A0%80x/);
    expect(malformedPathResponse('/api/status')).toBeNull();
  });
});
