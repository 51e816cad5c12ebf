import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useLogFollower, useSystem } from '../../store/store-context';
import { LogFeed } from './log-feed';
import { darkTheme, lightTheme } from './terminal-themes';


/** One process's output in a read-only xterm: follows the end until the user scrolls up. */
export function LogPane({ process }: { process: string }) {
  const host = useRef<HTMLDivElement>(null);
  const follower = useLogFollower();
  const inDesktopApp = useSystem((state) => state.transportKind === 'ipc');
  const call = useSystem((state) => state.call);
  const [following, setFollowing] = useState(true);
  const [dropped, setDropped] = useState(0);
  const [query, setQuery] = useState('');
  const terminalRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);

  useEffect(() => {
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const terminal = new Terminal({
      disableStdin: true,
      convertEol: true,
      scrollback: 10_000,
      fontSize: 13,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      theme: dark ? darkTheme : lightTheme,
      cursorInactiveStyle: 'none',
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    // Links open outside the app (the window refuses navigation and new windows).
    terminal.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, '_blank', 'noopener')));
    terminal.open(host.current!);
    fit.fit();
    terminalRef.current = terminal;
    searchRef.current = search;

    const feed = new LogFeed({ write: (data, onParsed) => terminal.write(data, onParsed), clear: () => terminal.reset() });
    feed.onDroppedChange = (lines) => setDropped(lines);
    const detach = follower.attach(process, feed);
    const onScroll = terminal.onScroll(() => {
      const buffer = terminal.buffer.active;
      setFollowing(buffer.viewportY >= buffer.baseY);
    });
    const resize = new ResizeObserver(() => fit.fit());
    resize.observe(host.current!);
    return () => {
      resize.disconnect();
      onScroll.dispose();
      detach();
      terminal.dispose();
      terminalRef.current = null;
    };
  }, [process, follower]);

  const follow = () => {
    terminalRef.current?.scrollToBottom();
    setFollowing(true);
  };
  const copy = () => {
    const terminal = terminalRef.current;
    if (!terminal) return;
    if (!terminal.hasSelection()) terminal.selectAll();
    void navigator.clipboard?.writeText(terminal.getSelection());
  };

  return (
    <section className="log-pane" aria-label={`Log of ${process}`} data-log={process}>
      <div className="log-toolbar">
        <span className="log-title">{process}</span>
        {dropped > 0 && <span className="log-dropped">{dropped} lines dropped</span>}
        <input
          className="log-search"
          type="search"
          placeholder="Search"
          aria-label={`Search the log of ${process}`}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            if (event.target.value) searchRef.current?.findNext(event.target.value, { incremental: true });
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && query) (event.shiftKey ? searchRef.current?.findPrevious(query) : searchRef.current?.findNext(query));
          }}
        />
        <button type="button" onClick={follow} aria-pressed={following} title="Follow the end of the output">
          {following ? 'Following' : 'Paused: follow'}
        </button>
        <button type="button" onClick={() => terminalRef.current?.clear()}>Clear</button>
        <button type="button" onClick={copy}>Copy</button>
        {inDesktopApp && (
          <button type="button" onClick={() => void call('logs.openFile', { process })} title="Open the current log file in the system's viewer">
            Open file
          </button>
        )}
      </div>
      <div className="log-terminal" ref={host} />
    </section>
  );
}
