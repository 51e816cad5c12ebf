import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LogFollower } from './features/logs/log-follower';
import { createExecutionStore } from './features/monitors/execution-store';
import { createRolloutRunStore } from './features/runs/rollout-run-store';
import { createSystemStore } from './store/system-store';
import { StoreProvider } from './store/store-context';
import { pickTransport, type PickedTransport } from './transport/pick-transport';
import './styles.css';

function mount(picked: PickedTransport): void {
  if (!picked.ok) {
    // The help is in index.html itself, so a request without JavaScript reads it too.
    document.getElementById('sign-in')!.hidden = false;
    document.getElementById('sign-in-refused')!.hidden = picked.reason !== 'token-refused';
    return;
  }
  const { transport } = picked;
  const store = createSystemStore(transport);
  const logs = new LogFollower(transport);
  const executions = createExecutionStore(transport);
  const runs = createRolloutRunStore(transport);

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store} logs={logs} executions={executions} runs={runs}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}

void pickTransport().then(mount);
