// Server-sent events from a response body (node:http's answer or a fetch body), per the
// WHATWG event-stream rules that matter here: lines end in \n, \r\n or \r (sse-starlette sends \r\n); `event:` and `data:` fields (several
// data lines join with \n); one leading space after the colon is dropped; `:` lines are
// comments (keep-alives); a blank line dispatches. Chunks may split anywhere, even a \r\n.
export interface SseMessage {
  event: string;
  data: string;
}

export async function* readSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  // Leaving early (break, abort, error) ends the iteration, which releases the body: a fetch
  // body is cancelled, a node:http answer destroyed.
  const chunks = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (!finished) {
      const { done, value } = await chunks.next();
      if (done) {
        finished = true;
        buffer += decoder.decode();
      } else {
        buffer += typeof value === 'string' ? value : decoder.decode(value, { stream: true });
      }
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (match === null) break;
        // A \r at the very end may be the first half of a \r\n still on its way.
        if (match[0] === '\r' && match.index === buffer.length - 1 && !finished) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0 || event !== '') yield { event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
    }
  } finally {
    if (!finished) await chunks.return?.().catch(() => {});
  }
}
