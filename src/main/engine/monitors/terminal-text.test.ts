import { describe, expect, it } from 'vitest';
import { TerminalText } from './terminal-text';

function render(...chunks: string[]): string {
  const terminal = new TerminalText();
  for (const chunk of chunks) terminal.write(chunk);
  return terminal.toString();
}

describe('TerminalText', () => {
  it('keeps plain lines as they are', () => {
    expect(render('a\nb\n', 'c\n')).toBe('a\nb\nc');
  });

  it('drops colour codes, even when a chunk ends inside one', () => {
    expect(render('\u001b[31mred\u001b[0m and \u001b[1;', '32mgreen\u001b[0m\n')).toBe('red and green');
  });

  it('leaves a progress bar drawn with carriage returns at its last frame', () => {
    expect(render('10%\r', '50%\r', '100%\ndone\n')).toBe('100%\ndone');
  });

  it('applies erase-line and cursor-up as a terminal does', () => {
    expect(render('one\ntwo\n\u001b[1A\u001b[2Kzwei\n')).toBe('one\nzwei');
  });

  it('handles backspace, tabs and OSC titles', () => {
    expect(render('ab\bc\tx\n\u001b]0;title\u0007y\n')).toBe('ac      x\ny');
  });
});
