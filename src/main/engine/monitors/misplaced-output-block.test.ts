import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentOf, findOutputBlocks, locateOutputBlock, writeOutput } from './output-block';
import { editorInsertion, moveMisplacedOutputBlock } from './misplaced-output-block';

const CELL = "```node\nconsole.log('done-3')\n```\n";

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  contentOf(doc).insert(0, text);
  return doc;
}

describe('an output block mrmd’s editor misplaced into a code cell', () => {
  it('is taken out of the code and made after the cell, where output then goes', () => {
    // The editor read the cell's end, then 7 characters arrived before it (another cell's
    // output), so its insertion landed 7 characters early: inside this cell's code.
    const before = '```output:e2\ndone-2\n```\n\n';
    const end = before.length + CELL.length - 1;
    const doc = docWithText(before + CELL);
    contentOf(doc).insert(end - 7, editorInsertion('e3'));
    expect(findOutputBlocks(contentOf(doc).toString(), 'e3')).toEqual([]);

    const position = moveMisplacedOutputBlock(doc, 'e3', { status: 'ready', code: "console.log('done-3')", language: 'node' });
    expect(position).toBeDefined();
    expect(contentOf(doc).toString()).toBe(`${before}${CELL}\n\`\`\`output:e3\n\`\`\`\n`);
    expect(writeOutput(doc, 'e3', 'done-3\n', position)).toBe(true);
    expect(contentOf(doc).toString()).toBe(`${before}${CELL}\n\`\`\`output:e3\ndone-3\n\`\`\`\n`);
  });

  it('leaves a well-formed block, and text without the editor’s insertion, alone', () => {
    const placed = docWithText(`${CELL}\n\`\`\`output:e3\n\`\`\`\n`);
    expect(moveMisplacedOutputBlock(placed, 'e3', { status: 'ready', code: "console.log('done-3')", language: 'node' })).toBeUndefined();
    expect(locateOutputBlock(placed, 'e3')).not.toBeNull();
    const absent = docWithText(CELL);
    expect(moveMisplacedOutputBlock(absent, 'e3', { status: 'ready', code: "console.log('done-3')", language: 'node' })).toBeUndefined();
    expect(contentOf(absent).toString()).toBe(CELL);
  });
});

describe('the editor’s late insertion after the headless block', () => {
  it('is removed and the headless block kept', () => {
    const doc = docWithText(`${CELL}\n\`\`\`output:e3\ndone-3\n\`\`\`\n`);
    contentOf(doc).insert(CELL.length - 8, editorInsertion('e3'));
    expect(moveMisplacedOutputBlock(doc, 'e3', { status: 'running', code: "console.log('done-3')", language: 'node' })).toBeNull();
    expect(contentOf(doc).toString()).toBe(`${CELL}\n\`\`\`output:e3\ndone-3\n\`\`\`\n`);
  });
});
