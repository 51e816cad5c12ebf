// Links from the panel to mrmd's editor page (issue 24), shown only where it is served:
// `showrunner mrmd` answers HEAD /editor/ with 200, and so does the desktop app (app://) when
// its engine runs a sync server; `serve`, `mrmd --no-editor` and a missing bundle do not, and
// get no link. In a browser the link carries the token in its fragment (never sent to a
// server), which the editor page moves to its tab; in the app it opens the editor window.
import { useEffect, useState } from 'react';
import { currentPageToken } from '../../transport/page-token';

let probe: Promise<boolean> | null = null;

function editorServed(): Promise<boolean> {
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
