import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from 'zustand';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../../shared/model';
import { formatDuration } from '../../../../shared/describe-state';
import { useExecutionStore, useSystem } from '../../store/store-context';
import { useNow } from '../shell/use-now';
import { useOperator } from '../shell/use-operator';
import { editorHref, useEditorServed } from './editor-link';

const TERMINAL = new Set(['completed', 'error', 'cancelled']);

/** A row per document with its monitor peer, and the execution queue of the one picked. */
export function MonitorsPanel() {
  const monitors = useSystem(useShallow((state) => Object.values(state.monitors)));
  const call = useSystem((state) => state.call);
  const operator = useOperator();
  const [doc, setDoc] = useState('');
  const [missing, setMissing] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const shown = open ?? monitors[0]?.doc ?? null;
  return (
    <div className="monitors">
      {operator && (
      <form
        className="monitor-start"
        onSubmit={(event) => {
          event.preventDefault();
          if (!doc.trim()) {
            setMissing(true);
            return;
          }
          void call('monitors.start', { doc: doc.trim() }).then((started) => started && setOpen(started.doc));
          setDoc('');
        }}
      >
        <input
          aria-label="Document name"
          aria-describedby="monitor-doc-hint"
          aria-invalid={missing}
          placeholder="document name, e.g. notes"
          value={doc}
          onChange={(event) => {
            setDoc(event.target.value);
            setMissing(false);
          }}
        />
        <button type="submit">Start monitor</button>
        <span id="monitor-doc-hint" className={missing ? 'field-hint field-missing' : 'field-hint'}>
          {missing ? 'Type the name of an mrmd document first (its file name without .md).' : 'The mrmd document whose code cells this machine runs.'}
        </span>
      </form>
      )}
      {monitors.length === 0 ? (
        <p className="empty">No monitor peers. Start one for a document to run its code cells here.</p>
      ) : (
        <table className="monitor-table" aria-label="Monitors">
          <thead>
            <tr>
              <th>Document</th>
              <th>Connection</th>
              <th>Peers</th>
              <th>Runs</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {monitors.map((monitor) => (
              <MonitorRow key={monitor.doc} monitor={monitor} selected={monitor.doc === shown} onOpen={() => setOpen(monitor.doc)} />
            ))}
          </tbody>
        </table>
      )}
      {shown && <ExecutionQueue doc={shown} />}
    </div>
  );
}

function MonitorRow({ monitor, selected, onOpen }: { monitor: MonitorSnapshot; selected: boolean; onOpen: () => void }) {
  const call = useSystem((state) => state.call);
  const operator = useOperator();
  const editor = useEditorServed();
  const counts = Object.entries(monitor.counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return (
    <tr className={selected ? 'selected' : undefined} data-monitor={monitor.doc} onClick={onOpen}>
      <td>
        {editor ? (
          <a href={editorHref(monitor.doc)} target="_blank" rel="noopener" onClick={(event) => event.stopPropagation()}>
            <code>{monitor.doc}</code>
          </a>
        ) : (
          <code>{monitor.doc}</code>
        )}
      </td>
      <td className={`connection-${monitor.connection}`}>
        {monitor.connection}
        {monitor.error && <div className="state-detail">{monitor.error}</div>}
      </td>
      <td>{monitor.peers}</td>
      <td>{counts || '—'}</td>
      <td className="monitor-actions">
        {editor && (
          <a className="button-link" href={editorHref(monitor.doc)} target="_blank" rel="noopener" aria-label={`Open ${monitor.doc} in editor`} onClick={(event) => event.stopPropagation()}>
            Open in editor
          </a>
        )}
        {!operator ? null : monitor.running ? (
          <button type="button" onClick={() => call('monitors.stop', { doc: monitor.doc })} aria-label={`Stop monitor ${monitor.doc}`}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => call('monitors.start', { doc: monitor.doc })} aria-label={`Start monitor ${monitor.doc}`}>
            Start
          </button>
        )}
      </td>
    </tr>
  );
}

function ExecutionQueue({ doc }: { doc: string }) {
  const store = useExecutionStore();
  const entries = useStore(store, (state) => state.byDoc[doc]);
  useEffect(() => {
    void store.getState().load(doc);
  }, [store, doc]);
  const list = Object.values(entries ?? {}).sort((a, b) => (b.requestedAt ?? 0) - (a.requestedAt ?? 0));
  return (
    <section className="queue" aria-label={`Executions of ${doc}`}>
      <h3>Executions of {doc}</h3>
      {list.length === 0 ? (
        <p className="empty">No executions yet.</p>
      ) : (
        <ol className="execution-list">
          {list.map((execution) => (
            <ExecutionRow key={execution.id} execution={execution} />
          ))}
        </ol>
      )}
    </section>
  );
}

function ExecutionRow({ execution }: { execution: ExecutionSnapshot }) {
  const call = useSystem((state) => state.call);
  const operator = useOperator();
  const [reply, setReply] = useState('');
  const running = !TERMINAL.has(execution.status);
  const now = useNow(running);
  const duration = execution.startedAt ? (execution.completedAt ?? now) - execution.startedAt : null;
  return (
    <li className={`execution status-${execution.status}`} data-execution={execution.id} data-status={execution.status}>
      <div className="execution-head">
        <span className="execution-status">{execution.status}</span>
        <span className="execution-language">{execution.language}</span>
        {execution.claimedBy && <span className="execution-claim">by {execution.claimedBy}</span>}
        {duration !== null && <span className="execution-duration">{formatDuration(duration)}</span>}
        {running && operator && (
          <button type="button" onClick={() => call('executions.cancel', { doc: execution.doc, id: execution.id })} aria-label={`Cancel execution ${execution.id}`}>
            Cancel
          </button>
        )}
      </div>
      <pre className="execution-code">{execution.code.split('\n').slice(0, 4).join('\n')}</pre>
      {execution.error && <div className="execution-error">{execution.error}</div>}
      {execution.stdinPrompt !== null && operator && (
        <form
          className="stdin-reply"
          onSubmit={(event) => {
            event.preventDefault();
            void call('executions.reply', { doc: execution.doc, id: execution.id, text: reply });
            setReply('');
          }}
        >
          <label>
            {execution.stdinPrompt || 'Input'}
            <input
              aria-label={`Reply to ${execution.id}`}
              type={execution.stdinPassword ? 'password' : 'text'}
              autoComplete={execution.stdinPassword ? 'off' : undefined}
              value={reply}
              onChange={(event) => setReply(event.target.value)}
              autoFocus
            />
          </label>
          <button type="submit">Send</button>
        </form>
      )}
    </li>
  );
}
