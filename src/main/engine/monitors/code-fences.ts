// Fenced code blocks of a markdown text, found with a line state machine as mrmd-editor's
// cells.js and mrmd's monitor do: a regex cannot tell an opening fence from a closing one.
export interface FencedBlock {
  /** The info string after the backticks, as written: `bash`, `output:exec-1`. */
  info: string;
  /** Offset of the opening fence. */
  start: number;
  /** Offset of the first code character (after the opening fence's newline). */
  codeStart: number;
  /** Offset of the closing fence line. */
  codeEnd: number;
  /** Offset after the closing fence line, its newline included when there is one. */
  end: number;
}

const OPENING = /^(`{3,})([^`\s]*)(?:[ \t]+[^`]*)?$/;
const CLOSING = /^(`{3,})[ \t]*$/;
const BACKTICK = 0x60;

/** The last text parsed and its blocks: one output write asks several times of one text. */
let last: { text: string; blocks: readonly FencedBlock[] } = { text: '', blocks: [] };

/** The blocks of `text`, in order. The array is shared with later callers: do not change it. */
export function parseFences(text: string): readonly FencedBlock[] {
  if (text !== last.text) last = { text, blocks: scan(text) };
  return last.blocks;
}

function scan(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { fence: number; info: string; start: number; codeStart: number } | null = null;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const next = newline === -1 ? text.length + 1 : newline + 1;
    // Only a line that starts with a backtick can be a fence: the others are not even sliced
    // (the monitor scans the whole document on every output write).
    if (text.charCodeAt(lineStart) === BACKTICK) {
      const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
      if (open === null) {
        const match = OPENING.exec(line);
        if (match) open = { fence: match[1].length, info: match[2], start: lineStart, codeStart: Math.min(next, text.length) };
      } else {
        const match = CLOSING.exec(line);
        if (match && match[1].length >= open.fence) {
          blocks.push({ info: open.info, start: open.start, codeStart: open.codeStart, codeEnd: lineStart, end: Math.min(next, text.length) });
          open = null;
        }
      }
    }
    lineStart = next;
  }
  return blocks;
}

export function isOutputInfo(info: string): boolean {
  const lower = info.toLowerCase();
  return lower.startsWith('output') || lower.startsWith('stdin');
}
