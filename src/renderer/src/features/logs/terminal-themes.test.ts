import { describe, expect, it } from 'vitest';
import { contrastRatio, darkTheme } from './terminal-themes';

describe('the dark log palette', () => {
  it('computes WCAG contrast as published (black on white is 21:1, #cc0000 on the dark panel fails AA)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#cc0000', '#1b2029')).toBeLessThan(4.5);
  });

  it('gives every ANSI colour and the text at least 4.5:1 on its background', () => {
    const colours = Object.entries(darkTheme).filter(([key]) => !['background', 'cursor'].includes(key));
    expect(colours.length).toBe(17);
    for (const [key, colour] of colours) expect({ key, ratio: contrastRatio(colour as string, darkTheme.background!) >= 4.5 }).toEqual({ key, ratio: true });
  });
});
