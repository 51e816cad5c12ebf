import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LogFollower } from './features/logs/log-follower';
import { createExecutionStore } from './features/monitors/execution-store';
import { createSystemStore } from './store/system-store';
import { StoreProvider } from './store/store-context';
import { pickTransport } from './transport/pick-transport';
import './styles.css';

const transport = pickTransport();
const store = createSystemStore(transport);
const logs = new LogFollower(transport);
const executions = createExecutionStore(transport);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store} logs={logs} executions={executions}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
