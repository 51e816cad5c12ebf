// Turns a runtime's raw terminal stream into the plain text an output block holds.
//
// Colour codes: the output block is part of the markdown document that mrmd-sync persists to
// `<doc>.md`, and mrmd's monitor (src/monitor/terminal.js, a reduced copy of mrmd-editor's
// terminal buffer) writes plain text there: it applies cursor movement (`\r`, `\b`, CSI
// A–H, J, K, s, u) so progress bars end as their last frame, and drops SGR colour codes and
// other escapes. We do the same, so the editor shows what it would have shown for
// mrmd-monitor, and no escape bytes end up in the user's markdown file.
const ESC = '\u001b';

function isPrintable(char: string): boolean {
  return char >= ' ' && char !== '\u007f';
}

export class TerminalText {
  private lines: string[] = [''];
  private row = 0;
  private col = 0;
  private saved: { row: number; col: number } | null = null;
  /** An escape sequence split across chunks waits here for its end. */
  private pending = '';

  write(chunk: string): void {
    const text = this.pending + chunk;
    this.pending = '';
    let index = 0;
    while (index < text.length) {
      const char = text[index];
      if (char === ESC) {
        const end = this.escape(text, index);
        if (end === -1) {
          this.pending = text.slice(index);
          return;
        }
        index = end;
        continue;
      }
      if (char === '\r') this.col = 0;
      else if (char === '\n') this.moveTo(this.row + 1, 0);
      else if (char === '\b') this.col = Math.max(0, this.col - 1);
      else if (char === '\t') this.put(' '.repeat(8 - (this.col % 8)));
      else if (isPrintable(char)) {
        let end = index + 1;
        while (end < text.length && isPrintable(text[end])) end++;
        this.put(text.slice(index, end));
        index = end;
        continue;
      }
      index++;
    }
  }

  /** Trailing spaces and trailing empty lines trimmed, as mrmd renders it. */
  toString(): string {
    const out = this.lines.map((line) => line.trimEnd());
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('\n');
  }

  // Returns the index after the sequence, or -1 when the chunk ends inside it.
  private escape(text: string, start: number): number {
    const kind = text[start + 1];
    if (kind === undefined) return -1;
    if (kind === ']') {
      // OSC (window titles, hyperlinks): ends with BEL or ESC \.
      for (let index = start + 2; index < text.length; index++) {
        if (text[index] === '\u0007') return index + 1;
        if (text[index] === ESC && text[index + 1] === '\\') return index + 2;
      }
      return -1;
    }
    if (kind !== '[') return start + 2;
    let index = start + 2;
    while (index < text.length && /[0-9;?<=>]/.test(text[index])) index++;
    if (index >= text.length) return -1;
    this.csi(text.slice(start + 2, index), text[index]);
    return index + 1;
  }

  private csi(params: string, command: string): void {
    if (params.startsWith('?') || command === 'm') return;
    const numbers = params === '' ? [] : params.split(';').map((part) => Number.parseInt(part, 10) || 0);
    const n = numbers[0] || 1;
    switch (command) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.moveTo(this.row + n, this.col);
        break;
      case 'C':
        this.col += n;
        break;
      case 'D':
        this.col = Math.max(0, this.col - n);
        break;
      case 'E':
        this.moveTo(this.row + n, 0);
        break;
      case 'F':
        this.row = Math.max(0, this.row - n);
        this.col = 0;
        break;
      case 'G':
        this.col = n - 1;
        break;
      case 'H':
      case 'f':
        this.moveTo(Math.max(0, (numbers[0] || 1) - 1), Math.max(0, (numbers[1] || 1) - 1));
        break;
      case 'J':
        this.eraseDisplay(numbers[0] ?? 0);
        break;
      case 'K':
        this.eraseLine(numbers[0] ?? 0);
        break;
      case 's':
        this.saved = { row: this.row, col: this.col };
        break;
      case 'u':
        if (this.saved) this.moveTo(this.saved.row, this.saved.col);
        break;
    }
  }

  private moveTo(row: number, col: number): void {
    while (this.lines.length <= row) this.lines.push('');
    this.row = row;
    this.col = col;
  }

  private put(chars: string): void {
    const line = this.lines[this.row];
    const padded = line.length < this.col ? line + ' '.repeat(this.col - line.length) : line;
    this.lines[this.row] = padded.slice(0, this.col) + chars + padded.slice(this.col + chars.length);
    this.col += chars.length;
  }

  private eraseLine(mode: number): void {
    const line = this.lines[this.row];
    if (mode === 0) this.lines[this.row] = line.slice(0, this.col);
    else if (mode === 1) this.lines[this.row] = ' '.repeat(Math.min(line.length, this.col + 1)) + line.slice(this.col + 1);
    else this.lines[this.row] = '';
  }

  private eraseDisplay(mode: number): void {
    if (mode === 0) {
      this.eraseLine(0);
      this.lines.length = this.row + 1;
    } else if (mode === 1) {
      for (let row = 0; row < this.row; row++) this.lines[row] = '';
      this.eraseLine(1);
    } else {
      this.lines = [''];
      this.row = 0;
      this.col = 0;
    }
  }
}
