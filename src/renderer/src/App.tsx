import type { ReactElement } from 'react';
import { useState } from 'react';
import { ServiceGraph } from './features/graph/ServiceGraph';
import { LogDock } from './features/logs/LogDock';
import { MonitorsPanel } from './features/monitors/MonitorsPanel';
import { DevicesPanel } from './features/devices/DevicesPanel';
import { RunsPanel } from './features/runs/RunsPanel';
import { NoticeStrip } from './features/shell/NoticeStrip';
import { ServiceList } from './features/services/ServiceList';
import { ServicePanel } from './features/services/ServicePanel';
import { ProblemsBanner } from './features/shell/ProblemsBanner';
import { Toasts } from './features/shell/Toasts';
import { TopBar, type View } from './features/shell/TopBar';
import { useKeyboard } from './features/shell/use-keyboard';
import { ConfirmDialog } from './features/shell/ConfirmDialog';
import { OfflineOverlay } from './features/shell/OfflineOverlay';
import { useLive } from './features/shell/use-live';

const views: Record<View, ReactElement> = {
  graph: <ServiceGraph />,
  list: <ServiceList />,
  monitors: <MonitorsPanel />,
  devices: <DevicesPanel />,
  runs: <RunsPanel />,
};

export function App() {
  const [view, setView] = useState<View>('graph');
  useKeyboard();
  const live = useLive();
  return (
    <div className={live ? 'app' : 'app offline'}>
      <TopBar view={view} onViewChange={setView} />
      <ProblemsBanner />
      <NoticeStrip />
      <div className="workspace">
        <main className="content" inert={!live}>
          {views[view]}
        </main>
        {(view === 'graph' || view === 'list') && <ServicePanel />}
        <OfflineOverlay />
      </div>
      <LogDock />
      <Toasts />
      <ConfirmDialog />
    </div>
  );
}
