import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseFences } from './code-fences';
import { contentOf, ensureOutputBlock, outputPositionFor, reconcileOutputBlocks, writeOutput } from './output-block';

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  contentOf(doc).insert(0, text);
  return doc;
}

/** Two replicas exchanging updates on demand, as over a slow network. */
function replicas(text: string): { monitor: Y.Doc; editor: Y.Doc; sync: () => void } {
  const monitor = docWithText(text);
  const editor = new Y.Doc();
  Y.applyUpdate(editor, Y.encodeStateAsUpdate(monitor));
  const sync = (): void => {
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(monitor, Y.encodeStateVector(editor)));
    Y.applyUpdate(monitor, Y.encodeStateAsUpdate(editor, Y.encodeStateVector(monitor)));
  };
  return { monitor, editor, sync };
}

describe('output blocks', () => {
  it('finds fences with a state machine, longer fences included', () => {
    const text = '````md\n```bash\nnot a cell\n```\n````\n```bash\necho hi\n```\n';
    expect(parseFences(text).map((block) => block.info)).toEqual(['md', 'bash']);
  });

  it('writes nothing for a cell without output into its empty block, and still clears or merges blocks that need it', () => {
    const empty = docWithText('```bash\necho\n```\n\n```output:e1\n```\n');
    let updates = 0;
    empty.on('update', () => updates++);
    expect(writeOutput(empty, 'e1', '')).toBe(true);
    expect(updates).toBe(0);
    // Text left in the block is cleared; the same id twice is merged into one block.
    const stale = docWithText('```output:e1\nold\n```\n');
    expect(writeOutput(stale, 'e1', '')).toBe(true);
    expect(contentOf(stale).toString()).toBe('```output:e1\n```\n');
    const twice = docWithText('```output:e1\n```\n\n```output:e1\n```\n');
    expect(writeOutput(twice, 'e1', '')).toBe(true);
    expect(contentOf(twice).toString().split('```output:e1').length - 1).toBe(1);
    // A longer id that starts with this one is another block.
    const other = docWithText('```output:e10\nkept\n```\n');
    expect(writeOutput(other, 'e1', '')).toBe(false);
    expect(contentOf(other).toString()).toContain('kept');
  });

  it('streams output as appends and never touches what an editor types at the same time', () => {
    const { monitor, editor, sync } = replicas('# Title\n\n```bash\necho\n```\n\n```output:e1\n```\n\nend\n');
    const position = outputPositionFor(monitor, 'e1');
    let expected = '';
    for (let step = 0; step < 20; step++) {
      expected += `line ${step}\n`;
      writeOutput(monitor, 'e1', expected, position);
      contentOf(editor).insert(7, 'x');
      contentOf(editor).insert(contentOf(editor).length, 'y');
      if (step % 3 === 0) sync();
    }
    sync();
    const text = contentOf(editor).toString();
    expect(text).toBe(`# Title${'x'.repeat(20)}\n\n\`\`\`bash\necho\n\`\`\`\n\n\`\`\`output:e1\n${expected}\`\`\`\n\nend\n${'y'.repeat(20)}`);
    expect(contentOf(monitor).toString()).toBe(text);
  });

  it('rewrites only the changed tail when a progress line is redrawn', () => {
    const doc = docWithText('```output:e1\n```\n');
    writeOutput(doc, 'e1', 'step 1/3\n');
    const deltas: unknown[] = [];
    contentOf(doc).observe((event) => deltas.push(...event.delta));
    writeOutput(doc, 'e1', 'step 2/3\n');
    expect(deltas).toEqual([{ retain: 18 }, { delete: 1 }, { insert: '2' }]);
  });

  it('writes into the block the stored position points at, not a stale copy of the marker', () => {
    const doc = docWithText('```output:e1\nold copy\n```\n\n```bash\nx\n```\n\n```output:e1\n```\n');
    const text = contentOf(doc).toString();
    const second = text.lastIndexOf('```output:e1\n') + '```output:e1\n'.length;
    const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(contentOf(doc), second));
    expect(writeOutput(doc, 'e1', 'new', position)).toBe(true);
    // The stale copy is removed too: the document shows this execution's output once.
    expect(contentOf(doc).toString()).toBe('```bash\nx\n```\n\n```output:e1\nnew\n```\n');
  });

  it('keeps one block when an editor and a headless monitor both created one', () => {
    const doc = docWithText('```bash\nx\n```\n\n```output:e1\n```\n\n```output:e1\nsome output\n```\n');
    const text = contentOf(doc).toString();
    const first = text.indexOf('```output:e1\n') + '```output:e1\n'.length;
    const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(contentOf(doc), first));
    expect(reconcileOutputBlocks(doc, 'e1', position)).toBe(true);
    expect(contentOf(doc).toString()).toBe('```bash\nx\n```\n\n```output:e1\nsome output\n```\n');
    expect(reconcileOutputBlocks(doc, 'e1', position)).toBe(false);
  });

  it('creates a missing block after the matching cell, or at the end without one', () => {
    const doc = docWithText('```python\nprint(1)\n```\n```bash\necho 1\n```');
    ensureOutputBlock(doc, 'e1', { code: 'echo 1', language: 'bash' });
    expect(contentOf(doc).toString()).toBe('```python\nprint(1)\n```\n```bash\necho 1\n```\n\n```output:e1\n```\n');
    ensureOutputBlock(doc, 'e2', { code: 'not in the document', language: 'bash' });
    expect(contentOf(doc).toString().endsWith('```output:e1\n```\n\n```output:e2\n```\n')).toBe(true);
    const before = contentOf(doc).toString();
    ensureOutputBlock(doc, 'e1', { code: 'echo 1', language: 'bash' });
    expect(contentOf(doc).toString()).toBe(before);
  });

  it('reports a block that is gone', () => {
    expect(writeOutput(docWithText('no block here\n'), 'e1', 'x')).toBe(false);
  });
});
