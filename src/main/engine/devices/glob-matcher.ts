// Matches one path segment against a device glob (`gradi-cam*`, `ttyUSB?`, `video[0-3]`)
// without a regular expression (issue 15): a crafted glob such as `a*a*a*a*a*a*b` made the
// backtracking regex take seconds per name and froze `/health` for 19 s. This is the classic
// two-pointer wildcard match: on a mismatch it resumes only from the most recent `*`, so the
// work is at most (pattern atoms + 1) × (name length + 1) steps, never exponential.
//
// Syntax, as before: `*` any run (also empty), `?` one character, `[abc]`, `[a-z]`, `[!x]` or
// `[^x]` one character of (not of) a set; a `[` with no `]` after it is a literal. Characters
// are UTF-16 code units, as the regex matched them.

type Atom =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; code: number }
  | { kind: 'set'; negate: boolean; ranges: [number, number][] };

export class GlobMatcher {
  private readonly atoms: Atom[];

  constructor(readonly glob: string) {
    this.atoms = compile(glob);
  }

  /** `steps`, when given, counts inner-loop steps (for tests that bound the work). */
  matches(name: string, steps?: { count: number }): boolean {
    const atoms = this.atoms;
    let a = 0;
    let n = 0;
    let starAtom = -1;
    let starName = 0;
    while (n < name.length) {
      if (steps) steps.count++;
      const atom = atoms[a];
      if (atom !== undefined && atom.kind === 'star') {
        starAtom = a++;
        starName = n;
      } else if (atom !== undefined && matchesOne(atom, name.charCodeAt(n))) {
        a++;
        n++;
      } else if (starAtom !== -1) {
        // Let the last `*` take one more character and retry the atoms after it.
        a = starAtom + 1;
        n = ++starName;
      } else {
        return false;
      }
    }
    while (atoms[a]?.kind === 'star') a++;
    return a === atoms.length;
  }
}

function matchesOne(atom: Exclude<Atom, { kind: 'star' }>, code: number): boolean {
  switch (atom.kind) {
    case 'any':
      return true;
    case 'char':
      return atom.code === code;
    case 'set': {
      const inSet = atom.ranges.some(([low, high]) => code >= low && code <= high);
      return inSet !== atom.negate;
    }
  }
}

function compile(glob: string): Atom[] {
  const atoms: Atom[] = [];
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*') {
      // Consecutive stars match what one does.
      if (atoms.at(-1)?.kind !== 'star') atoms.push({ kind: 'star' });
    } else if (char === '?') {
      atoms.push({ kind: 'any' });
    } else if (char === '[' && glob.indexOf(']', i + 2) > 0) {
      // The first character after `[` is part of the set even when it is `]`.
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      atoms.push({ kind: 'set', negate, ranges: setRanges(body) });
      i = end;
    } else {
      atoms.push({ kind: 'char', code: glob.charCodeAt(i) });
    }
  }
  return atoms;
}

/** `a-z0` → [[a, z], [0, 0]]; a `-` first or last is itself; a reversed range matches nothing. */
function setRanges(body: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < body.length; k++) {
    const low = body.charCodeAt(k);
    if (body[k + 1] === '-' && k + 2 < body.length) {
      ranges.push([low, body.charCodeAt(k + 2)]);
      k += 2;
    } else {
      ranges.push([low, low]);
    }
  }
  return ranges;
}
