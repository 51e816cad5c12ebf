import { useSystem } from '../../store/store-context';

/** Stays until the manifest is fixed; what runs keeps running meanwhile. */
export function ProblemsBanner() {
  const problems = useSystem((state) => state.problems);
  if (problems.length === 0) return null;
  return (
    <section className="problems" role="alert" aria-label="Manifest problems">
      <strong>The manifest has {problems.length === 1 ? 'a problem' : `${problems.length} problems`}; nothing was changed until it is fixed.</strong>
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            <code>
              {problem.file}:{problem.line}:{problem.column}
            </code>{' '}
            <code>{problem.field}</code>: {problem.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
