import { LogDock } from './features/logs/LogDock';
import { ServiceList } from './features/services/ServiceList';
import { ProblemsBanner } from './features/shell/ProblemsBanner';
import { Toasts } from './features/shell/Toasts';
import { TopBar } from './features/shell/TopBar';

export function App() {
  return (
    <div className="app">
      <TopBar />
      <ProblemsBanner />
      <main className="content">
        <ServiceList />
      </main>
      <LogDock />
      <Toasts />
    </div>
  );
}
