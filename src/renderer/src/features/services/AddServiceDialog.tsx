// "Add service" (issue 17): the same `services.add` call as `POST /api/services`, so the engine's
// manifest readers judge the fields and their messages appear beside the field they name.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSystem } from '../../store/store-context';

interface Problem {
  field: string;
  message: string;
}

const FIELDS = ['name', 'command', 'working_dir', 'dependencies', 'restart', 'autostart'] as const;

export function AddServiceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const request = useSystem((state) => state.request);
  const select = useSystem((state) => state.select);
  const dialog = useRef<HTMLDialogElement>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      setProblems([]);
      setError(null);
      element.showModal();
    } else if (!open && element.open) element.close();
  }, [open]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const definition: Record<string, unknown> = { name: text('name'), command: text('command') };
    if (text('working_dir')) definition.working_dir = text('working_dir');
    const dependencies = text('dependencies').split(',').map((name) => name.trim()).filter(Boolean);
    if (dependencies.length > 0) definition.dependencies = dependencies;
    if (text('restart')) definition.restart = text('restart');
    definition.autostart = form.get('autostart') === 'on';
    setBusy(true);
    const reply = await request('services.add', definition as never);
    setBusy(false);
    if (reply.ok) {
      select(reply.value.name);
      onClose();
      return;
    }
    const found = (reply.error.details as { problems?: Problem[]; issues?: { path: string; message: string }[] } | undefined) ?? {};
    // Bad values come from the manifest's readers (`problems`); a wrong JSON type from the contract (`issues`).
    const listed = found.problems ?? found.issues?.map((issue) => ({ field: issue.path, message: issue.message })) ?? [];
    setProblems(listed);
    setError(listed.some((problem) => (FIELDS as readonly string[]).includes(topField(problem.field))) ? null : reply.error.message);
  }

  const problemFor = (field: string) =>
    problems
      .filter((problem) => topField(problem.field) === field)
      .map((problem) => (problem.field === field ? problem.message : `${problem.field}: ${problem.message}`))
      .join('; ');

  return (
    <dialog ref={dialog} className="confirm add-service" aria-label="Add service" onCancel={(event) => (event.preventDefault(), onClose())}>
      {open && (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <h2>Add service</h2>
          <p>Kept in the overlay file beside the manifest; `showrunner check` reads it too.</p>
          <Field label="Name" name="name" problem={problemFor('name')} placeholder="kiosk" />
          <Field label="Command" name="command" problem={problemFor('command')} placeholder="node server.js" />
          <Field label="Working folder" name="working_dir" problem={problemFor('working_dir')} placeholder="relative to the manifest's root" />
          <Field label="Depends on" name="dependencies" problem={problemFor('dependencies')} placeholder="db, api" />
          <label className="add-field">
            <span>Restart</span>
            <select name="restart" defaultValue="always" aria-invalid={problemFor('restart') ? true : undefined}>
              <option value="always">always</option>
              <option value="on-failure">on-failure</option>
              <option value="never">never</option>
            </select>
            {problemFor('restart') && <span className="field-problem" role="alert">{problemFor('restart')}</span>}
          </label>
          <label className="add-field add-check">
            <input type="checkbox" name="autostart" defaultChecked /> <span>Start now and with the set</span>
          </label>
          {error && (
            <p className="field-problem" role="alert">
              {error}
            </p>
          )}
          <div className="confirm-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" disabled={busy}>
              Add
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** `dependencies[0]` and `health.port` belong to the `dependencies` and `health` inputs. */
function topField(field: string): string {
  return /^[^.[]*/.exec(field)?.[0] ?? field;
}

function Field({ label, name, problem, placeholder }: { label: string; name: string; problem: string; placeholder?: string }) {
  return (
    <label className="add-field">
      <span>{label}</span>
      <input name={name} placeholder={placeholder} autoComplete="off" aria-invalid={problem ? true : undefined} />
      {problem && (
        <span className="field-problem" role="alert">
          {problem}
        </span>
      )}
    </label>
  );
}
