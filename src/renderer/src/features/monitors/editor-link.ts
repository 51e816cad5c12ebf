// Links from the panel to mrmd's editor page (issue 24), shown only where the daemon serves it:
// `showrunner mrmd` answers HEAD /editor/ with 200; `serve`, `mrmd --no-editor`, a missing
// bundle and the desktop app's own page (app://) do not, and get no link. The link carries the
// token in its fragment (never sent to a server), which the editor page moves to its tab.
import { useEffect, useState } from 'react';
import { currentPageToken } from '../../transport/page-token';

let probe: Promise<boolean> | null = null;

function editorServed(): Promise<boolean> {
  if (!location.protocol.startsWith('http')) return Promise.resolve(false);
  probe ??= fetch('/editor/', { method: 'HEAD', cache: 'no-store' }).then(
    (response) => response.ok,
    () => false,
  );
  return probe;
}

export function editorHref(doc: string): string {
  const token = currentPageToken();
  return `/editor/?doc=${encodeURIComponent(doc)}${token ? `#token=${encodeURIComponent(token)}` : ''}`;
}

/** True once the daemon is known to serve the editor page. */
export function useEditorServed(): boolean {
  const [served, setServed] = useState(false);
  useEffect(() => {
    let live = true;
    void editorServed().then((value) => live && setServed(value));
    return () => {
      live = false;
    };
  }, []);
  return served;
}
