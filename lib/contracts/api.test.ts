import { describe, expect, it } from 'vitest';
import { overviewTrafficQuerySchema } from './api';

describe('GET /api/overview/traffic query', () => {
  it('accepts the windows the graph accepts and refuses the others in words', () => {
    expect(overviewTrafficQuerySchema.safeParse({}).data?.window).toBe('5m');
    expect(overviewTrafficQuerySchema.safeParse({ window: '2d' }).success).toBe(true);
    const zero = overviewTrafficQuerySchema.safeParse({ window: '0s' });
    expect(zero.success).toBe(false);
    expect(zero.error?.issues[0]?.message).toContain('invalid window "0s"');
    expect(overviewTrafficQuerySchema.safeParse({ window: '40d' }).error?.issues[0]?.message).toContain('at most 30d');
  });
});
