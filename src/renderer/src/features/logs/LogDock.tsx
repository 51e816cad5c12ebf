import { ORCHESTRATOR_LOG } from '../../../../shared/reserved-names';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSystem } from '../../store/store-context';
import { LogPane } from './LogPane';
import { DOCK_MAX_CSS, useDockHeight } from './use-dock-height';

/** Tabs of process logs, with an optional second pane side by side. */
export function LogDock() {
  const processes = useSystem(useShallow((state) => state.logProcesses));
  const [selected, setSelected] = useState<string | null>(null);
  const [second, setSecond] = useState<string | null>(null);
  const chosen = useSystem((state) => state.selected);
  const [height, setHeight] = useDockHeight();
  // Picking a service anywhere shows its log.
  useEffect(() => {
    if (chosen) setSelected(chosen);
  }, [chosen]);
  const active = selected && processes.includes(selected) ? selected : (processes.find((name) => name !== ORCHESTRATOR_LOG) ?? processes[0]);
  if (!active) return null;
  return (
    <section className="log-dock" aria-label="Logs" style={height === null ? undefined : { height: `min(${height}px, ${DOCK_MAX_CSS})` }}>
      <div
        className="dock-resizer"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the log dock"
        aria-valuenow={height ?? undefined}
        tabIndex={0}
        onPointerDown={(event) => {
          const handle = event.currentTarget;
          handle.setPointerCapture(event.pointerId);
          const move = (moved: PointerEvent) => setHeight(window.innerHeight - moved.clientY);
          const up = () => {
            handle.removeEventListener('pointermove', move);
            handle.removeEventListener('pointerup', up);
          };
          handle.addEventListener('pointermove', move);
          handle.addEventListener('pointerup', up);
          event.preventDefault();
        }}
        onKeyDown={(event) => {
          const current = event.currentTarget.parentElement!.getBoundingClientRect().height;
          if (event.key === 'ArrowUp') setHeight(current + 24);
          else if (event.key === 'ArrowDown') setHeight(current - 24);
          else return;
          event.preventDefault();
          event.stopPropagation();
        }}
      />
      <div className="log-tabs" role="tablist">
        {processes.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={name === active}
            className={name === active ? 'tab active' : 'tab'}
            onClick={() => setSelected(name)}
            onAuxClick={() => setSecond(name)}
          >
            {name}
          </button>
        ))}
        <button type="button" className="split-toggle" onClick={() => setSecond(second ? null : ORCHESTRATOR_LOG)} aria-pressed={second !== null}>
          {second ? 'Single pane' : 'Split'}
        </button>
      </div>
      <div className={second ? 'log-panes split' : 'log-panes'}>
        <LogPane key={active} process={active} />
        {second && (
          <div className="second-pane">
            <select aria-label="Second pane process" value={second} onChange={(event) => setSecond(event.target.value)}>
              {processes.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
            <LogPane key={`second-${second}`} process={second} />
          </div>
        )}
      </div>
    </section>
  );
}
