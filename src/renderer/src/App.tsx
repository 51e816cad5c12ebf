import { useState } from 'react';
import { ServiceGraph } from './features/graph/ServiceGraph';
import { LogDock } from './features/logs/LogDock';
import { MonitorsPanel } from './features/monitors/MonitorsPanel';
import { ServiceList } from './features/services/ServiceList';
import { ServicePanel } from './features/services/ServicePanel';
import { ProblemsBanner } from './features/shell/ProblemsBanner';
import { Toasts } from './features/shell/Toasts';
import { TopBar, type View } from './features/shell/TopBar';
import { useKeyboard } from './features/shell/use-keyboard';

export function App() {
  const [view, setView] = useState<View>('graph');
  useKeyboard();
  return (
    <div className="app">
      <TopBar view={view} onViewChange={setView} />
      <ProblemsBanner />
      <div className="workspace">
        <main className="content">{view === 'graph' ? <ServiceGraph /> : view === 'list' ? <ServiceList /> : <MonitorsPanel />}</main>
        {view !== 'monitors' && <ServicePanel />}
      </div>
      <LogDock />
      <Toasts />
    </div>
  );
}
